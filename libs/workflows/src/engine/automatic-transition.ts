import { compiledSchemasOf } from '../definition/compiled-schemas';
import type { TransitionDefinition, WorkflowDefinition } from '../definition/workflow-definition';
import type { InstanceSnapshot } from './decision';
import { indexOf } from './definition-index';
import { evaluateCondition } from './evaluate-condition';
import { bindingsFor, SYSTEM_ACTOR } from './judge-condition';

/**
 * The automatic transition an instance takes on entering its state: the first leaving it, in
 * definition order, whose `when` holds for the system (no id, no roles, no input), or one with no
 * `when` (a default). Undefined when none does: the instance waits for a person. Pure: conditions
 * fail closed as everywhere, so one that cannot be evaluated does not fire.
 */
export function automaticTransition(
  definition: WorkflowDefinition,
  instance: InstanceSnapshot,
): TransitionDefinition | undefined {
  const conditions = compiledSchemasOf(definition).conditions;
  for (const transition of indexOf(definition).leaving.get(instance.state) ?? []) {
    if (transition.auto !== true) continue;
    const condition = conditions.get(transition.name);
    if (condition === undefined) return transition;
    const verdict = evaluateCondition(condition, bindingsFor(instance, SYSTEM_ACTOR, undefined));
    if (verdict.met) return transition;
  }
  return undefined;
}
