import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { Role } from '@flowgate/roles';
import type { EntityManager } from 'typeorm';
import type { DataChange } from '../engine/change-data';
import { buildInstanceListQuery, INSTANCE_COLUMNS, type InstanceListFilter } from './instance-list-query';
import type { HistoryEntry, HistoryKind, InstancePast, ViewedInstance, WorkflowInstance } from './workflow-instance';

const PARTICIPATES = `EXISTS (SELECT 1 FROM workflow_participants p WHERE p.instance_id = i.id AND p.user_id = $2)`;

/** A history line to append; the database stamps its time. Only the system's moves name a timer. */
export type NewHistoryEntry = Omit<HistoryEntry, 'occurredAt' | 'timerId' | 'changes' | 'assignedRole'> & {
  readonly timerId?: string;
  readonly changes?: readonly DataChange[];
  readonly assignedRole?: Role;
};

/** SQL for workflow instances, their history and the outbox. Writes run in the caller's unit of work. */
@Injectable()
export class WorkflowInstancesRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async insert(
    instance: { definitionKey: string; definitionVersion: number; state: string; data: unknown; initiatorId: string },
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO workflow_instances AS i (definition_key, definition_version, state, data, initiator_id)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${INSTANCE_COLUMNS}`,
      [
        instance.definitionKey,
        instance.definitionVersion,
        instance.state,
        instance.data === undefined ? null : JSON.stringify(instance.data),
        instance.initiatorId,
      ],
    );
    return toInstance(row);
  }

  /** The instance, and whether `viewerId` has taken part in it: what deciding who may see it needs. */
  async findById(id: string, viewerId: string): Promise<ViewedInstance | undefined> {
    const [row] = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${INSTANCE_COLUMNS}, ${PARTICIPATES} AS viewer_participates FROM workflow_instances i WHERE i.id = $1`,
      [id, viewerId],
      // The hottest read of the API (every GET of a workflow): prepared once per connection.
      { name: 'workflow-instance-by-id' },
    );
    return row ? { instance: toInstance(row), viewerParticipates: row.viewer_participates === true } : undefined;
  }

  /**
   * Locks the instance for the rest of the unit of work: transitions and assignment changes on one
   * instance take turns. The lock is its own statement, and the row is read after it: under READ
   * COMMITTED a `SELECT … FOR UPDATE` that waited for the lock re-reads the locked row but not its
   * subqueries, so a single statement would see the assignees as they were before the change it
   * queued behind (ten concurrent claims all won before this was split).
   */
  async lockById(id: string, viewerId: string, manager: EntityManager): Promise<ViewedInstance | undefined> {
    if (!(await this.lock(id, manager))) return undefined;
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT ${INSTANCE_COLUMNS}, ${PARTICIPATES} AS viewer_participates FROM workflow_instances i WHERE i.id = $1`,
      [id, viewerId],
    );
    return { instance: toInstance(row), viewerParticipates: row.viewer_participates === true };
  }

  /** The instance locked for the system (a timer firing), which sees every instance. */
  async lockForSystem(id: string, manager: EntityManager): Promise<WorkflowInstance | undefined> {
    if (!(await this.lock(id, manager))) return undefined;
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances i WHERE i.id = $1`,
      [id],
    );
    return toInstance(row);
  }

  private async lock(id: string, manager: EntityManager): Promise<boolean> {
    const locked = await manager.query<unknown[]>(`SELECT 1 FROM workflow_instances WHERE id = $1 FOR UPDATE`, [id]);
    return locked.length > 0;
  }

  /**
   * Moves the instance (a new visit to a state starts at history line `enteredSeq`), or for a vote
   * or an assignment change only bumps its version, and returns it as stored.
   */
  async update(
    id: string,
    change: { state: string; terminal: boolean; enteredSeq?: number; data?: unknown },
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    const data = 'data' in change ? JSON.stringify(change.data ?? null) : null;
    const [[row]] = await manager.query<[Record<string, unknown>[], number]>(
      `UPDATE workflow_instances AS i SET state = $2, terminal = $3, version = version + 1, updated_at = now(),
         state_entered_seq = coalesce($4, state_entered_seq), data = coalesce($5::jsonb, data)
       WHERE i.id = $1 RETURNING ${INSTANCE_COLUMNS}`,
      [id, change.state, change.terminal, change.enteredSeq ?? null, data],
    );
    return toInstance(row);
  }

  /** Bumps the version of an instance whose assignees changed (its ETag moves with them). */
  async touch(instance: WorkflowInstance, manager: EntityManager): Promise<WorkflowInstance> {
    return this.update(instance.id, { state: instance.state, terminal: instance.terminal }, manager);
  }

  /** A page of the instances `filter.scope` may hold, newest first. */
  async list(filter: InstanceListFilter): Promise<WorkflowInstance[]> {
    const { text, values } = buildInstanceListQuery(filter);
    const rows = await this.transactions.query<Record<string, unknown>>(text, values);
    return rows.map(toInstance);
  }

  /** Every published definition version; few enough to read whole (each is cached by the store). */
  async definitionVersions(): Promise<{ key: string; version: number }[]> {
    const rows = await this.transactions.query<{ key: string; version: number }>(
      `SELECT key, version FROM workflow_definitions`,
    );
    return rows.map((row) => ({ key: row.key, version: Number(row.version) }));
  }

  async appendHistory(instanceId: string, entry: NewHistoryEntry, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_history
         (instance_id, seq, kind, transition, from_state, to_state, actor_id, assignee_id, input, comment, timer_id,
          changes, assigned_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        instanceId,
        entry.seq,
        entry.kind,
        entry.transition,
        entry.fromState,
        entry.toState,
        entry.actorId,
        entry.assigneeId,
        entry.input === undefined ? null : JSON.stringify(entry.input),
        entry.comment,
        entry.timerId ?? null,
        entry.changes === undefined || entry.changes.length === 0 ? null : JSON.stringify(entry.changes),
        entry.assignedRole ?? null,
      ],
    );
  }

  /** The history, oldest first, from `afterSeq` on, at most `limit` entries. */
  async history(instanceId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT seq, kind, transition, from_state, to_state, actor_id, assignee_id, assigned_role, input, comment,
              timer_id, changes, occurred_at
       FROM workflow_history WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [instanceId, afterSeq, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      kind: row.kind as HistoryKind,
      transition: (row.transition as string | null) ?? null,
      fromState: (row.from_state as string | null) ?? null,
      toState: row.to_state as string,
      actorId: (row.actor_id as string | null) ?? null,
      timerId: (row.timer_id as string | null) ?? null,
      assigneeId: (row.assignee_id as string | null) ?? null,
      assignedRole: (row.assigned_role as Role | null) ?? null,
      input: row.input ?? null,
      comment: (row.comment as string | null) ?? null,
      changes: (row.changes as DataChange[] | null) ?? [],
      occurredAt: row.occurred_at as Date,
    }));
  }

  /**
   * Who did what so far, in one read: what separation of duties and quorums are judged on. Reads
   * on the open unit of work's connection when there is one (the transition's).
   */
  async past(instanceId: string): Promise<InstancePast> {
    const rows = await this.transactions.query<{
      seq: number;
      kind: HistoryKind;
      transition: string | null;
      actor_id: string | null;
      occurred_at: Date;
    }>(
      `SELECT seq, kind, transition, actor_id, occurred_at FROM workflow_history WHERE instance_id = $1 ORDER BY seq`,
      [instanceId],
    );
    // Keyed by transition names, which may be `constructor` or `toString`: no prototype to collide with.
    const byName = (): Record<string, string[]> => Object.create(null) as Record<string, string[]>;
    const actorsByTransition = byName();
    let votes = byName();
    let enteredAt: Date | undefined;
    for (const row of rows) {
      // Entering a state (start or move) opens a new visit: earlier votes no longer count.
      if (row.kind === 'started' || row.kind === 'moved') {
        votes = byName();
        enteredAt = row.occurred_at;
      }
      // The system (a timer) is nobody: it neither votes nor bars anyone by separation of duties.
      if (row.transition === null || row.actor_id === null) continue;
      (actorsByTransition[row.transition] ??= []).push(row.actor_id);
      if (row.kind === 'voted') (votes[row.transition] ??= []).push(row.actor_id);
    }
    const lastSeq = rows.length > 0 ? Number(rows[rows.length - 1].seq) : 0;
    return { lastSeq, enteredAt, actorsByTransition, votes };
  }

  /** An event for the worker to deliver, committed (or not) with the change it announces. */
  async appendOutbox(
    event: { topic: string; aggregateId: string; payload: Record<string, unknown> },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload) VALUES ($1, 'workflow', $2, $3)`,
      [event.topic, event.aggregateId, JSON.stringify(event.payload)],
    );
  }
}

function toInstance(row: Record<string, unknown>): WorkflowInstance {
  return {
    id: row.id as string,
    definitionKey: row.definition_key as string,
    definitionVersion: Number(row.definition_version),
    state: row.state as string,
    terminal: row.terminal as boolean,
    data: row.data ?? null,
    initiatorId: row.initiator_id as string,
    assigneeIds: (row.assignee_ids as string[] | null) ?? [],
    assignedRole: (row.assigned_role as Role | null) ?? null,
    stateEnteredSeq: Number(row.state_entered_seq),
    pendingTimers: ((row.pending_timers as { transition: string; dueAt: string }[] | null) ?? []).map((timer) => ({
      transition: timer.transition,
      dueAt: new Date(timer.dueAt),
    })),
    version: Number(row.version),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
