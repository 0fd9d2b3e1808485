import type { Principal } from '@flowgate/auth';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { AvailabilityRequest } from '../engine/decision';
import type { InstancePast, WorkflowInstance } from './workflow-instance';

/** What the engine is asked about: this instance, its past, and this caller. */
export function availabilityRequest(
  definition: WorkflowDefinition,
  instance: WorkflowInstance,
  past: InstancePast,
  principal: Principal,
): AvailabilityRequest {
  return {
    definition,
    instance: { state: instance.state, initiatorId: instance.initiatorId },
    actorsByTransition: past.actorsByTransition,
    votes: past.votes,
    principal: { userId: principal.userId, roles: principal.roles, stepUpSatisfied: principal.stepUp.satisfied },
  };
}
