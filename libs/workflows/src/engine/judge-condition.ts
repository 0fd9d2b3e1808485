import { compiledSchemasOf } from '../definition/compiled-schemas';
import type { ConditionBindings } from '../definition/conditions/compile-condition';
import type { TransitionDefinition, WorkflowDefinition } from '../definition/workflow-definition';
import type { Denial, EnginePrincipal, InstanceSnapshot } from './decision';
import { evaluateCondition } from './evaluate-condition';

/** Stands for a date a caller did not give (engine specs that never read it). */
const NO_DATE = new Date(0);

/** The system (automatic transitions) reads as an actor with no id and no roles. */
export const SYSTEM_ACTOR: EnginePrincipal = { userId: '', roles: [], stepUpSatisfied: true };

/**
 * Judges a transition's `when`. A condition that reads `input` is judged for good once there is
 * input (`decide`); before that (`availableTransitions`, and `decide`'s checks before the input)
 * it is evaluated without `input` and refuses only when false whatever the input (the data alone
 * settles it). The denial names the transition and its condition, never the values it read.
 */
export function judgeCondition(
  definition: WorkflowDefinition,
  instance: InstanceSnapshot,
  principal: EnginePrincipal,
  transition: TransitionDefinition,
  input?: { readonly value: unknown },
): Extract<Denial, { reason: 'condition_not_met' }> | undefined {
  const condition = compiledSchemasOf(definition).conditions.get(transition.name);
  if (condition === undefined || (input !== undefined && !condition.readsInput)) return undefined;
  const verdict = evaluateCondition(condition, bindingsFor(instance, principal, input));
  if (verdict.met || (condition.readsInput && input === undefined && !verdict.certain)) return undefined;
  return {
    allowed: false,
    reason: 'condition_not_met',
    detail: `the condition of ${JSON.stringify(transition.name)} does not hold: ${verdict.why}`,
    transition: transition.name,
    condition: condition.source,
  };
}

export function bindingsFor(
  instance: InstanceSnapshot,
  principal: EnginePrincipal,
  input: { readonly value: unknown } | undefined,
): ConditionBindings {
  return {
    data: instance.data ?? null,
    ...(input === undefined ? {} : { input: input.value }),
    actor: { id: principal.userId, roles: principal.roles },
    instance: {
      state: instance.state,
      initiatorId: instance.initiatorId,
      createdAt: instance.createdAt ?? NO_DATE,
      enteredAt: instance.enteredAt ?? NO_DATE,
    },
  };
}
