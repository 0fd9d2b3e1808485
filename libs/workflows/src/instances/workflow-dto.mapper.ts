import type { HistoryEntryDto } from './dto/history-entry.dto';
import type { WorkflowDto } from './dto/workflow.dto';
import type { HistoryEntry, WorkflowInstance } from './workflow-instance';

export function toWorkflowDto(instance: WorkflowInstance): WorkflowDto {
  return {
    id: instance.id,
    definitionKey: instance.definitionKey,
    definitionVersion: instance.definitionVersion,
    state: instance.state,
    terminal: instance.terminal,
    data: (instance.data as Record<string, unknown> | null) ?? null,
    initiatorId: instance.initiatorId,
    assigneeIds: [...instance.assigneeIds],
    assignedRole: instance.assignedRole,
    pendingTimers: instance.pendingTimers.map((timer) => ({
      transition: timer.transition,
      dueAt: timer.dueAt.toISOString(),
    })),
    version: instance.version,
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
  };
}

export function toHistoryEntryDto(entry: HistoryEntry): HistoryEntryDto {
  return {
    seq: entry.seq,
    kind: entry.kind,
    transition: entry.transition,
    fromState: entry.fromState,
    toState: entry.toState,
    actorType: entry.actorId === null ? 'system' : 'user',
    actorId: entry.actorId,
    assigneeId: entry.assigneeId,
    assignedRole: entry.assignedRole,
    input: (entry.input as Record<string, unknown> | null) ?? null,
    comment: entry.comment,
    changes: entry.changes.map(({ pointer, before, after }) => ({ pointer, before, after })),
    occurredAt: entry.occurredAt.toISOString(),
  };
}

/**
 * The audit snapshot of an instance: what changes when it moves or its assignees change; the role
 * queue only when there is one, so snapshots of instances never queued read as they always did.
 */
export function auditSnapshot(instance: WorkflowInstance): Record<string, unknown> {
  return {
    state: instance.state,
    terminal: instance.terminal,
    assigneeIds: [...instance.assigneeIds],
    ...(instance.assignedRole === null ? {} : { assignedRole: instance.assignedRole }),
    version: instance.version,
  };
}
