import { isCelError } from '@bufbuild/cel';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CONDITION_LIMITS,
  type CompiledCondition,
  type ConditionBindings,
} from '../definition/conditions/compile-condition';

/** `certain`: false whatever was left unbound (an evaluation error is not certain). */
export type ConditionVerdict =
  { readonly met: true } | { readonly met: false; readonly why: string; readonly certain: boolean };

type ProgramContext = Parameters<CompiledCondition['program']>[0];

/**
 * Evaluates a compiled condition. Never throws: a condition that cannot be evaluated (a field the
 * schema declares as optional is absent, a division by zero) or would cost more than the limit
 * is not met, so a refusal never rests on half an answer. The verdict says why in words about the
 * condition, never about the values it read.
 */
export function evaluateCondition(condition: CompiledCondition, bindings: ConditionBindings): ConditionVerdict {
  const result = evaluateValue(condition, bindings);
  if (result.ok && result.value === true) return { met: true };
  if (result.ok) return { met: false, why: 'it is false', certain: true };
  return result.overBudget ? { met: false, why: result.why, certain: true } : UNDETERMINED;
}

/** A value computed by an expression, or why there is none (never the values it read). */
export type ExpressionResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly why: string; readonly overBudget: boolean };

/**
 * Runs a compiled expression under the same cost bound as a condition; never throws. The value is
 * CEL's (bigint for int, `CelList`, `CelMap`): `toJson` turns it into data.
 */
export function evaluateValue(condition: CompiledCondition, bindings: ConditionBindings): ExpressionResult {
  if (estimatedCost(condition, bindings) > CONDITION_LIMITS.maxCost) {
    return { ok: false, why: `it would cost more than ${CONDITION_LIMITS.maxCost} to evaluate`, overBudget: true };
  }
  const { instance } = bindings;
  const context = {
    data: bindings.data ?? null,
    // Left unbound when absent: any use of it is then an error, which `&&` and `||` absorb only
    // where the other side settles the result, so a false verdict holds for every input.
    ...('input' in bindings ? { input: bindings.input ?? null } : {}),
    actor: { id: bindings.actor.id, roles: [...bindings.actor.roles] },
    instance: {
      state: instance.state,
      initiatorId: instance.initiatorId,
      createdAt: timestampFromDate(instance.createdAt),
      enteredAt: timestampFromDate(instance.enteredAt),
    },
  } as unknown as ProgramContext;
  try {
    const value: unknown = condition.program(context);
    return isCelError(value) ? NO_VALUE : { ok: true, value };
  } catch {
    return NO_VALUE;
  }
}

const NO_VALUE = { ok: false, why: 'it could not be evaluated on this instance', overBudget: false } as const;

const UNDETERMINED = { met: false, why: 'it could not be evaluated on this instance', certain: false } as const;

/**
 * An upper bound of the work: without comprehensions each node runs once; with one level of them
 * (deeper is refused at publish) at most once per element of the largest collection read.
 */
function estimatedCost(condition: CompiledCondition, bindings: ConditionBindings): number {
  if (!condition.iterates) return condition.nodes;
  const budget = Math.ceil(CONDITION_LIMITS.maxCost / condition.nodes) + 1;
  const largest = Math.max(largestCollection(bindings.data, budget), largestCollection(bindings.input, budget));
  return condition.nodes * (1 + largest);
}

/** The most elements of any array or object inside `value`, counting no further than `budget`. */
function largestCollection(value: unknown, budget: number): number {
  let largest = 0;
  const pending: unknown[] = [value];
  let visited = 0;
  while (pending.length > 0 && largest < budget && visited < budget) {
    const next = pending.pop();
    visited += 1;
    if (typeof next !== 'object' || next === null) continue;
    const items: unknown[] = Array.isArray(next) ? (next as unknown[]) : Object.values(next);
    largest = Math.max(largest, items.length);
    pending.push(...items.slice(0, budget));
  }
  return visited >= budget ? Math.max(largest, budget) : largest;
}
