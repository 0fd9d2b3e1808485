import type { WorkflowInstance } from './workflow-instance';

/**
 * The outbox event of an assignment change, by a person through the API or by the system on
 * entry (`actorId` null): one shape for subscribers either way. A role queue on entry names no
 * person (`assigneeId` null); every event carries the queue the instance is in (`assignedRole`).
 */
export function assignmentChangedEvent(
  updated: WorkflowInstance,
  change: string,
  actorId: string | null,
  assigneeId: string | null,
): { topic: string; aggregateId: string; payload: Record<string, unknown> } {
  return {
    topic: 'workflow.assignment_changed',
    aggregateId: updated.id,
    payload: {
      workflowId: updated.id,
      definitionKey: updated.definitionKey,
      definitionVersion: updated.definitionVersion,
      state: updated.state,
      change,
      ...(actorId === null ? { actorType: 'system' } : {}),
      actorId,
      assigneeId,
      assigneeIds: updated.assigneeIds,
      assignedRole: updated.assignedRole,
      version: updated.version,
    },
  };
}
