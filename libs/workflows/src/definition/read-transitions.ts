import type { Role } from '@flowgate/roles';
import {
  describeType,
  quote,
  readFlag,
  readList,
  readObject,
  readPattern,
  readText,
  type Report,
} from './document-reader';
import { durationProblem } from './iso-duration';
import { childPointer } from './json-pointer';
import { CONDITION_LIMITS } from './conditions/compile-condition';
import { INVALID_NAME } from './read-states';
import { compileSchema, type CompiledSchema, type SchemaCompiler } from './schema-compiler';
import { readChoice } from './read-choice';
import { readRole } from './read-role';
import { readFieldPointers, readSet, type FieldReference, type SetDraft } from './read-data-fields';
import {
  DEFINITION_LIMITS,
  NAME_PATTERN,
  TITLE_BOUNDS,
  TRANSITION_ACTORS,
  type TransitionActor,
} from './workflow-definition';

/** A name the document uses to refer to a state or transition, and where it wrote it. */
export interface Reference {
  readonly name: string;
  readonly pointer: string;
}

/** One entry of `transitions` as read: a field is undefined when the document got it wrong. */
export interface TransitionDraft {
  readonly pointer: string;
  readonly name?: string;
  readonly title?: string;
  readonly from: readonly Reference[];
  readonly to?: Reference;
  readonly role?: Role;
  readonly actor?: TransitionActor;
  readonly stepUp: boolean;
  readonly notInitiator: boolean;
  readonly notPreviousActorOf: readonly Reference[];
  readonly quorum: number;
  readonly input?: CompiledSchema;
  /** An input schema was given, whether or not it compiled. */
  readonly inputGiven: boolean;
  readonly timer?: string;
  readonly when?: string;
  readonly set: readonly SetDraft[];
  readonly writesReadOnly: readonly FieldReference[];
  readonly auto: boolean;
}

const TRANSITION_PROPERTIES = {
  required: ['name', 'from', 'to'],
  optional: [
    'title',
    'role',
    'actor',
    'stepUp',
    'separationOfDuties',
    'quorum',
    'input',
    'timer',
    'when',
    'set',
    'writesReadOnly',
    'auto',
  ],
} as const;

const CONDITION_BOUNDS = { min: 1, max: CONDITION_LIMITS.maxLength } as const;

const SEPARATION_PROPERTIES = { required: [], optional: ['notInitiator', 'notPreviousActorOf'] } as const;

export function readTransitions(
  value: unknown,
  pointer: string,
  compiler: SchemaCompiler,
  report: Report,
): TransitionDraft[] | undefined {
  const entries = readList(value, pointer, { min: 0, max: DEFINITION_LIMITS.maxTransitions }, report);
  if (entries === undefined) return undefined;
  const transitions: TransitionDraft[] = [];
  entries.forEach((entry, index) => {
    const draft = readTransition(entry, childPointer(pointer, index), compiler, report);
    if (draft) transitions.push(draft);
  });
  return transitions;
}

function readTransition(
  value: unknown,
  pointer: string,
  compiler: SchemaCompiler,
  report: Report,
): TransitionDraft | undefined {
  const fields = readObject(value, pointer, TRANSITION_PROPERTIES, report);
  if (fields === undefined) return undefined;
  const at = (key: string): string => childPointer(pointer, key);
  const separation = readSeparationOfDuties(fields.separationOfDuties, at('separationOfDuties'), report);
  const actor = fields.actor === undefined ? undefined : readActor(fields.actor, at('actor'), report);
  if (actor === 'initiator' && separation.notInitiator) {
    report(
      at('actor'),
      'contradictory_rules',
      'only the initiator may take it, and separation of duties keeps the initiator out: nobody could',
    );
  }
  return {
    pointer,
    name:
      fields.name === undefined ? undefined : readPattern(fields.name, at('name'), NAME_PATTERN, INVALID_NAME, report),
    title: fields.title === undefined ? undefined : readText(fields.title, at('title'), TITLE_BOUNDS, report),
    from: fields.from === undefined ? [] : readFrom(fields.from, at('from'), report),
    to: fields.to === undefined ? undefined : readReference(fields.to, at('to'), report),
    role: fields.role === undefined ? undefined : readRole(fields.role, at('role'), report),
    actor,
    stepUp: readFlag(fields.stepUp, at('stepUp'), report),
    notInitiator: separation.notInitiator,
    notPreviousActorOf: separation.notPreviousActorOf,
    quorum: readQuorum(fields.quorum, at('quorum'), report),
    input: fields.input === undefined ? undefined : compileSchema(compiler, fields.input, at('input'), report),
    inputGiven: fields.input !== undefined,
    timer: fields.timer === undefined ? undefined : readTimer(fields.timer, at('timer'), report),
    when: fields.when === undefined ? undefined : readText(fields.when, at('when'), CONDITION_BOUNDS, report),
    set: fields.set === undefined ? [] : readSet(fields.set, at('set'), report),
    writesReadOnly:
      fields.writesReadOnly === undefined ? [] : readFieldPointers(fields.writesReadOnly, at('writesReadOnly'), report),
    auto: readFlag(fields.auto, at('auto'), report),
  };
}

function readReference(value: unknown, pointer: string, report: Report): Reference | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be a name, not ${describeType(value)}`);
    return undefined;
  }
  return { name: value, pointer };
}

/** A list of names, each at most once: a repeat is harmless to run but always a slip to author. */
function readReferences(items: readonly unknown[], pointer: string, report: Report): Reference[] {
  const seen = new Set<string>();
  const references: Reference[] = [];
  items.forEach((item, index) => {
    const reference = readReference(item, childPointer(pointer, index), report);
    if (reference === undefined) return;
    if (seen.has(reference.name)) {
      report(reference.pointer, 'duplicate_reference', `${quote(reference.name)} is already listed`);
      return;
    }
    seen.add(reference.name);
    references.push(reference);
  });
  return references;
}

/** `from` is one state name or a non-empty list of them. */
function readFrom(value: unknown, pointer: string, report: Report): Reference[] {
  if (typeof value === 'string') return [{ name: value, pointer }];
  if (!Array.isArray(value)) {
    report(pointer, 'invalid_type', `must be a state name or a list of them, not ${describeType(value)}`);
    return [];
  }
  const items = readList(value, pointer, { min: 1, max: DEFINITION_LIMITS.maxFromStates }, report) ?? [];
  return readReferences(items, pointer, report);
}

function readSeparationOfDuties(
  value: unknown,
  pointer: string,
  report: Report,
): { notInitiator: boolean; notPreviousActorOf: Reference[] } {
  const none = { notInitiator: false, notPreviousActorOf: [] };
  if (value === undefined) return none;
  const fields = readObject(value, pointer, SEPARATION_PROPERTIES, report);
  if (fields === undefined) return none;
  const listPointer = childPointer(pointer, 'notPreviousActorOf');
  const bounds = { min: 0, max: DEFINITION_LIMITS.maxNotPreviousActorOf };
  const items =
    fields.notPreviousActorOf === undefined ? [] : readList(fields.notPreviousActorOf, listPointer, bounds, report);
  return {
    notInitiator: readFlag(fields.notInitiator, childPointer(pointer, 'notInitiator'), report),
    notPreviousActorOf: readReferences(items ?? [], listPointer, report),
  };
}

function readActor(value: unknown, pointer: string, report: Report): TransitionActor | undefined {
  return readChoice(value, pointer, TRANSITION_ACTORS, 'unknown_actor', 'an actor rule', report);
}

function readQuorum(value: unknown, pointer: string, report: Report): number {
  const { minQuorum, maxQuorum } = DEFINITION_LIMITS;
  if (value === undefined) return minQuorum;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const actual = typeof value === 'number' ? String(value) : describeType(value);
    report(pointer, 'invalid_type', `must be an integer, not ${actual}`);
  } else if (value < minQuorum || value > maxQuorum) {
    report(pointer, 'out_of_range', `must be from ${minQuorum} to ${maxQuorum}, not ${value}`);
  } else {
    return value;
  }
  return minQuorum;
}

function readTimer(value: unknown, pointer: string, report: Report): string | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be an ISO 8601 duration string, not ${describeType(value)}`);
    return undefined;
  }
  const problem = durationProblem(value);
  if (problem !== undefined) {
    report(pointer, 'invalid_duration', `${quote(value)} ${problem}`);
    return undefined;
  }
  return value;
}
