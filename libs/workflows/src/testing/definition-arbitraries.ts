// Test-only, and excluded from the library build: fast-check generators of workflow definitions.
import { ROLES } from '@flowgate/roles';
import fc from 'fast-check';

export type GeneratedEntry = Record<string, unknown>;

/** A generated document, typed loosely so properties can break it on purpose. */
export interface GeneratedDocument extends GeneratedEntry {
  states: GeneratedEntry[];
  transitions: GeneratedEntry[];
}

export const nameArbitrary = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);

const INPUT_SCHEMAS = [
  { type: 'object' },
  { type: 'object', properties: { comment: { type: 'string', maxLength: 20 } }, additionalProperties: false },
  { type: 'object', required: ['amount'], properties: { amount: { type: 'number', exclusiveMinimum: 0 } } },
];

const attributesArbitrary = fc.record(
  {
    title: fc.string({ minLength: 1, maxLength: 40 }),
    role: fc.constantFrom(...ROLES),
    actor: fc.constantFrom('initiator', 'assignee'),
    stepUp: fc.boolean(),
    notInitiator: fc.boolean(),
    notPreviousActorOf: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
    quorum: fc.integer({ min: 1, max: 20 }),
    input: fc.constantFrom(...INPUT_SCHEMAS),
    timer: fc.constantFrom('P3D', 'PT12H', 'P1Y2M10DT2H30M', 'P2W'),
    fromAsName: fc.boolean(),
  },
  { requiredKeys: ['fromAsName', 'notPreviousActorOf'] },
);

const shapeArbitrary = fc.record({
  stateNames: fc.uniqueArray(nameArbitrary, { minLength: 2, maxLength: 10 }),
  terminalShare: fc.double({ min: 0, max: 1, noNaN: true }),
  stateTitles: fc.array(fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }), { maxLength: 10 }),
  extraEdges: fc.array(fc.record({ from: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }), to: fc.nat() }), {
    maxLength: 8,
  }),
  transitionPrefix: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
  visibility: fc.option(fc.constantFrom('participants', 'authenticated'), { nil: undefined }),
  attributes: fc.array(attributesArbitrary, { minLength: 30, maxLength: 30 }),
});

/**
 * Valid definitions by construction: the first state is initial, the non-terminal states form a
 * chain from it ending in a terminal state, every other terminal state has a way in from a
 * non-terminal one, and extra transitions only leave non-terminal states. So every state is
 * reachable and every non-terminal state reaches a terminal one, whatever else is generated.
 */
export const validDocumentArbitrary: fc.Arbitrary<GeneratedDocument> = shapeArbitrary.map((shape) => {
  const names = shape.stateNames;
  const active = Math.min(names.length - 1, Math.max(1, Math.round((names.length - 1) * (1 - shape.terminalShare))));
  const working = names.slice(0, active);
  const terminal = names.slice(active);
  const edges: { from: string[]; to: string }[] = [
    ...working.map((from, index) => ({ from: [from], to: working[index + 1] ?? terminal[0] })),
    ...terminal.slice(1).map((to, index) => ({ from: [working[index % working.length]], to })),
    ...shape.extraEdges.map((edge) => ({
      from: [...new Set(edge.from.map((index) => working[index % working.length]))],
      to: names[edge.to % names.length],
    })),
  ];
  const transitionNames = edges.map((_, index) => `${shape.transitionPrefix}_${index}`);
  return {
    key: 'generated-workflow',
    title: 'Generated workflow',
    ...(shape.visibility === undefined ? {} : { visibility: shape.visibility }),
    states: names.map((name, index) => ({
      name,
      ...(shape.stateTitles[index] === undefined ? {} : { title: shape.stateTitles[index] }),
      ...(index === 0 ? { initial: true } : {}),
      ...(index >= active ? { terminal: true } : {}),
    })),
    transitions: edges.map((edge, index) => {
      const { fromAsName, notPreviousActorOf, notInitiator, ...rest } = shape.attributes[index];
      const previous = [...new Set(notPreviousActorOf.map((at) => transitionNames[at % transitionNames.length]))];
      // Only the initiator, yet never the initiator, is a contradiction the validator refuses.
      const keepsInitiatorOut = notInitiator === true && rest.actor !== 'initiator';
      const separation = {
        ...(notInitiator === undefined ? {} : { notInitiator: keepsInitiatorOut }),
        ...(previous.length === 0 ? {} : { notPreviousActorOf: previous }),
      };
      return {
        name: transitionNames[index],
        from: fromAsName && edge.from.length === 1 ? edge.from[0] : edge.from,
        to: edge.to,
        ...rest,
        ...(Object.keys(separation).length === 0 ? {} : { separationOfDuties: separation }),
      };
    }),
  };
});

/** Resolves an RFC 6901 pointer in a JSON document; says whether something is there. */
export function pointerExists(document: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return false;
    node = (node as Record<string, unknown>)[token];
  }
  return true;
}
