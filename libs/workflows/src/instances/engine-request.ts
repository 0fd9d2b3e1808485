import type { Principal } from '@flowgate/auth';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { AvailabilityRequest, EnginePrincipal } from '../engine/decision';
import type { InstancePast, WorkflowInstance } from './workflow-instance';

/** The engine's view of a caller: who, which roles, and whether this token is stepped up. */
export function enginePrincipal(principal: Principal): EnginePrincipal {
  return { userId: principal.userId, roles: principal.roles, stepUpSatisfied: principal.stepUp.satisfied };
}

/** What the engine is asked about: this instance, its past, and this caller. */
export function availabilityRequest(
  definition: WorkflowDefinition,
  instance: WorkflowInstance,
  past: InstancePast,
  principal: Principal,
): AvailabilityRequest {
  return {
    definition,
    instance: {
      state: instance.state,
      initiatorId: instance.initiatorId,
      assigneeIds: instance.assigneeIds,
      assignedRole: instance.assignedRole,
      data: instance.data,
      createdAt: instance.createdAt,
      enteredAt: past.enteredAt ?? instance.createdAt,
    },
    actorsByTransition: past.actorsByTransition,
    votes: past.votes,
    principal: enginePrincipal(principal),
  };
}
