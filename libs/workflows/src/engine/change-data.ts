import type { ConditionBindings } from '../definition/conditions/compile-condition';
import { compiledSchemasOf } from '../definition/compiled-schemas';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { celToJson, NotJson } from './cel-to-json';
import type { PayloadError } from './decision';
import { evaluateValue } from './evaluate-condition';
import { payloadErrors } from './payload-errors';

/** One field a transition's `set` changed: its pointer into `data`, before (absent: null) and after. */
export interface DataChange {
  readonly pointer: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type DataChangeVerdict =
  | { readonly ok: true; readonly data: unknown; readonly changes: readonly DataChange[] }
  | { readonly ok: false; readonly detail: string; readonly errors: readonly PayloadError[] };

/**
 * Applies a transition's `set` to the instance's data: every expression reads the data as it was
 * before the transition (the assignments happen together, in no order one could observe), then
 * the new data must pass the data schema. Pure and never throws: an expression that cannot be
 * evaluated, yields no JSON value, or data the schema refuses is a refusal with pointers under
 * `/data`, and nothing changes. A field set to the value it has is not a change.
 */
export function changeData(
  definition: WorkflowDefinition,
  transition: string,
  bindings: ConditionBindings,
): DataChangeVerdict {
  const sets = compiledSchemasOf(definition).sets.get(transition) ?? [];
  const before = bindings.data ?? null;
  if (sets.length === 0) return { ok: true, data: before, changes: [] };
  const data = structuredClone(before) as unknown;
  const changes: DataChange[] = [];
  const errors: PayloadError[] = [];
  for (const set of sets) {
    const pointer = `/data${set.target}`;
    const result = evaluateValue(set.expression, bindings);
    let value: unknown;
    try {
      value = result.ok ? celToJson(result.value) : undefined;
    } catch (error) {
      if (!(error instanceof NotJson)) throw error;
      errors.push({ pointer, code: 'invalid_value', detail: `the expression yields ${error.message}` });
      continue;
    }
    if (!result.ok) {
      errors.push({ pointer, code: 'invalid_value', detail: `the expression for ${set.target}: ${result.why}` });
      continue;
    }
    const previous = fieldAt(before, set.tokens);
    if (!assignAt(data, set.tokens, value)) {
      errors.push({ pointer, code: 'invalid_value', detail: `${set.target} is inside a value that is not an object` });
    } else if (JSON.stringify(previous) !== JSON.stringify(value)) {
      changes.push({ pointer: set.target, before: previous ?? null, after: value });
    }
  }
  errors.push(...payloadErrors(compiledSchemasOf(definition).data, data, '/data'));
  if (errors.length > 0) {
    return { ok: false, detail: `the data after ${JSON.stringify(transition)} would not be valid; see errors`, errors };
  }
  return { ok: true, data, changes };
}

function fieldAt(value: unknown, tokens: readonly string[]): unknown {
  let current = value;
  for (const token of tokens) {
    if (!isRecord(current) || !Object.hasOwn(current, token)) return undefined;
    current = current[token];
  }
  return current;
}

/** Sets the field, creating the objects on the way that are absent; false if a value on the way is no object. */
function assignAt(root: unknown, tokens: readonly string[], value: unknown): boolean {
  let current = root;
  for (const [index, token] of tokens.entries()) {
    if (!isRecord(current)) return false;
    if (index === tokens.length - 1) {
      Object.defineProperty(current, token, { value, enumerable: true, writable: true, configurable: true });
      return true;
    }
    if (!Object.hasOwn(current, token)) {
      Object.defineProperty(current, token, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    current = current[token];
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
