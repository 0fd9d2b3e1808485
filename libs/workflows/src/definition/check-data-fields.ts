import { describeShape, schemaShape, type CelShape } from './conditions/cel-shape';
import { compileExpression, type CompiledCondition } from './conditions/compile-condition';
import { isObject, quote, type Report } from './document-reader';
import { pointerTokens } from './json-pointer';
import type { FieldReference } from './read-data-fields';
import type { DefinitionDraft } from './read-definition';
import type { JsonSchema, JsonValue } from './workflow-definition';

/** One compiled assignment: the field's pointer and tokens, and the expression whose value it takes. */
export interface CompiledSet {
  readonly target: string;
  readonly tokens: readonly string[];
  readonly expression: CompiledCondition;
}

/**
 * Checks `readOnly` and every transition's `set` against the data schema: each pointer names a
 * field the schema declares (through `properties`), each expression compiles like a condition and
 * yields a value of the field's type, and a field under `readOnly` is only assigned by a
 * transition that lists it in `writesReadOnly`; no two fields of one set overlap. Returns the
 * compiled assignments by transition.
 */
export function checkDataFields(draft: DefinitionDraft, report: Report): Map<string, CompiledSet[]> {
  const compiled = new Map<string, CompiledSet[]>();
  if (draft.dataSchema === undefined && draft.dataSchemaGiven === true) return compiled;
  const data = draft.dataSchema?.schema;
  for (const field of draft.readOnly) declaredField(data, field, report);
  checkAssignments(draft, data, report);
  const readOnly = draft.readOnly.map((field) => field.target);
  for (const transition of draft.transitions ?? []) {
    if (transition.input === undefined && transition.inputGiven) continue;
    const sets: CompiledSet[] = [];
    const allowed = new Set(transition.writesReadOnly.map((field) => field.target));
    for (const set of transition.set) {
      const schema = declaredField(data, { target: set.target, pointer: set.pointer }, report);
      if (schema === undefined) continue;
      const other = transition.set.find((entry) => entry !== set && overlaps(entry.target, set.target));
      if (other !== undefined) {
        report(set.pointer, 'invalid_set', `overlaps ${quote(other.target)}: one set assigns a field once`);
      }
      const locked = readOnly.find((field) => overlaps(field, set.target) && !allowed.has(field));
      if (locked !== undefined) {
        report(set.pointer, 'read_only_field', `${quote(locked)} is read-only: list it in writesReadOnly to change it`);
      }
      const result = compileExpression(set.expression, { data, input: transition.input?.schema });
      if (!result.ok) {
        for (const problem of result.problems) report(set.pointer, problem.code, problem.detail);
        continue;
      }
      const expected = schemaShape(schema);
      if (!assignable(result.shape!, expected)) {
        const detail = `yields ${describeShape(result.shape!)}, but ${set.target} is ${describeShape(expected)}`;
        report(set.pointer, 'invalid_set', detail);
        continue;
      }
      sets.push({ target: set.target, tokens: pointerTokens(set.target)!, expression: result.condition });
    }
    for (const field of transition.writesReadOnly) {
      if (!readOnly.includes(field.target)) {
        report(field.pointer, 'read_only_field', `${quote(field.target)} is not listed in readOnly`);
      } else if (!transition.set.some((set) => overlaps(field.target, set.target))) {
        report(field.pointer, 'read_only_field', `${quote(field.target)} is not changed by this transition's set`);
      }
    }
    if (transition.name !== undefined && sets.length > 0) compiled.set(transition.name, inPointerOrder(sets));
  }
  return compiled;
}

/**
 * A state's `assignTo`: never on a terminal state (nothing is left to do there), and a field of
 * data it reads is declared as a string (a user id). A role queue: `checkRoleQueues`.
 */
function checkAssignments(draft: DefinitionDraft, data: JsonSchema | undefined, report: Report): void {
  for (const state of draft.states ?? []) {
    const pointer = `${state.pointer}/assignTo`;
    if (state.assignTo === undefined) continue;
    if (state.terminal) report(pointer, 'invalid_assignment', 'a terminal state has nothing left to assign');
    if (!('data' in state.assignTo)) continue;
    const field = declaredField(data, { target: state.assignTo.data, pointer: `${pointer}/data` }, report);
    const shape = field === undefined ? undefined : schemaShape(field);
    if (shape !== undefined && shape.kind !== 'string' && shape.kind !== 'dyn') {
      report(
        `${pointer}/data`,
        'invalid_assignment',
        `${state.assignTo.data} is ${describeShape(shape)}, not a user id string`,
      );
    }
  }
}

/** The schema of the field a pointer names, through `properties`; undefined (and reported) if undeclared. */
function declaredField(data: JsonSchema | undefined, field: FieldReference, report: Report): JsonValue | undefined {
  let schema: JsonValue | undefined = data;
  for (const token of pointerTokens(field.target) ?? []) {
    const properties: JsonValue | undefined = isObject(schema) ? schema.properties : undefined;
    schema = isObject(properties) && Object.hasOwn(properties, token) ? properties[token] : undefined;
    if (schema === undefined) {
      report(field.pointer, 'unknown_field', `${quote(field.target)} is not declared by the data schema`);
      return undefined;
    }
  }
  return schema;
}

/**
 * Assignments in pointer order: a stored definition's `set` comes back from jsonb with its keys
 * reordered, and history must list the same changes in the same order either way.
 */
export function inPointerOrder(sets: CompiledSet[]): CompiledSet[] {
  return sets.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** One field contains the other (or is it): changing either changes both. */
function overlaps(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
}

const NUMBERS = new Set(['int', 'double']);

/** Whether a value of `value`'s shape may be stored where the schema says `field`; null is left to the schema. */
function assignable(value: CelShape, field: CelShape): boolean {
  if (value.kind === 'dyn' || field.kind === 'dyn' || value.kind === 'null') return true;
  if (NUMBERS.has(value.kind) && NUMBERS.has(field.kind)) return true;
  return value.kind === field.kind;
}
