import fc from 'fast-check';
import {
  type GeneratedDocument,
  nameArbitrary,
  pointerExists,
  validDocumentArbitrary,
} from '../testing/definition-arbitraries';
import { validateDefinition } from './definition-validator';
import type { ViolationCode } from './definition-violation';

/** A mutation that breaks a valid document, and the code it must cause among the violations. */
type Mutation = (document: GeneratedDocument, pick: number, fresh: string) => ViolationCode | undefined;

const referencedStates = (document: GeneratedDocument): string[] =>
  document.transitions.flatMap((transition) => [transition.to as string, ...[transition.from as string | string[]].flat()]); // prettier-ignore

const MUTATIONS: Record<string, Mutation> = {
  'rename a referenced state': (document, pick, fresh) => {
    const referenced = referencedStates(document);
    const states = document.states.filter((state) => referenced.includes(state.name as string));
    if (states.some((state) => state.name === fresh) || document.states.some((state) => state.name === fresh)) return undefined; // prettier-ignore
    states[pick % states.length].name = fresh;
    return 'unknown_state';
  },
  'add a transition leaving a terminal state': (document, pick) => {
    const terminals = document.states.filter((state) => state.terminal === true);
    const from = terminals[pick % terminals.length].name;
    document.transitions.push({ name: 'leave_terminal_zz', from, to: document.states[0].name });
    return 'transition_from_terminal';
  },
  'duplicate a state name': (document, pick) => {
    const copy = document.states[(pick % (document.states.length - 1)) + 1];
    copy.name = document.states[0].name;
    return 'duplicate_state';
  },
  'duplicate a transition name': (document, pick) => {
    if (document.transitions.length < 2) return undefined;
    document.transitions[(pick % (document.transitions.length - 1)) + 1].name = document.transitions[0].name;
    return 'duplicate_transition';
  },
  'drop the initial flag': (document) => {
    delete document.states[0].initial;
    return 'no_initial_state';
  },
};

describe('validateDefinition (properties)', () => {
  it('accepts every definition built to be valid', () => {
    fc.assert(
      fc.property(validDocumentArbitrary, (document) => {
        const result = validateDefinition(document);
        expect(result.valid ? [] : result.violations).toEqual([]);
      }),
    );
  });

  it('returns a definition it accepts again, unchanged', () => {
    fc.assert(
      fc.property(validDocumentArbitrary, (document) => {
        const first = validateDefinition(document);
        if (!first.valid) throw new Error('generated document rejected');
        const again = validateDefinition(JSON.parse(JSON.stringify(first.definition)));
        expect(again).toEqual(first);
      }),
    );
  });

  it.each(Object.keys(MUTATIONS))('reports a violation it can point at after we %s', (name) => {
    fc.assert(
      fc.property(validDocumentArbitrary, fc.nat(), nameArbitrary, (document, pick, fresh) => {
        const expected = MUTATIONS[name](document, pick, fresh);
        fc.pre(expected !== undefined);
        const result = validateDefinition(document);
        expect(result.valid).toBe(false);
        if (result.valid) return;
        expect(result.violations.map((violation) => violation.code)).toContain(expected);
        for (const violation of result.violations) expect(pointerExists(document, violation.pointer)).toBe(true);
      }),
    );
  });

  it.each([
    ['fc.anything()', fc.anything()],
    ['fc.jsonValue()', fc.jsonValue()],
    ['objects shaped almost like a definition', fc.record({ key: fc.anything(), title: fc.anything(), states: fc.array(fc.dictionary(fc.constantFrom('name', 'initial', 'terminal', 'title', 'x'), fc.anything())), transitions: fc.array(fc.dictionary(fc.constantFrom('name', 'from', 'to', 'role', 'quorum', 'input', 'timer', 'separationOfDuties'), fc.anything())) })], // prettier-ignore
  ])('never throws on %s, and rejects with pointers into the document', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (document) => {
        const result = validateDefinition(document);
        if (result.valid) return;
        expect(result.violations.length).toBeGreaterThan(0);
        for (const violation of result.violations) {
          if (violation.code !== 'missing_property') expect(pointerExists(document, violation.pointer)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
