import { Injectable } from '@nestjs/common';
import { preparedStatement, traceColumns, TransactionRunner } from '@flowgate/core';
import type { Role } from '@flowgate/roles';
import type { EntityManager } from 'typeorm';
import type { DataChange } from '../engine/change-data';
import { buildInstanceListQuery, INSTANCE_COLUMNS, type InstanceListFilter } from './instance-list-query';
import { PAST_COLUMNS, pastOfJson } from './instance-past';
import type { HistoryEntry, HistoryKind, InstancePast, ViewedInstance, WorkflowInstance } from './workflow-instance';

const PARTICIPATES = `EXISTS (SELECT 1 FROM workflow_participants p WHERE p.instance_id = i.id AND p.user_id = $2)`;

/**
 * See `lockWithPast`. `FOR UPDATE OF i`: the subqueries' rows are read, not locked. Every
 * transition sends it: prepared once per connection (`preparedStatement`).
 */
const LOCK_WITH_PAST = preparedStatement(
  'workflow-instances.lock-with-past',
  `SELECT ${INSTANCE_COLUMNS}, ${PARTICIPATES} AS viewer_participates,
    (SELECT s.version FROM workflow_instances s WHERE s.id = i.id) AS snapshot_version, ${PAST_COLUMNS},
    now() AS unit_now
  FROM workflow_instances i WHERE i.id = $1 FOR UPDATE OF i`,
);

/** A history line to append; the database stamps its time. Only the system's moves name a timer. */
export type NewHistoryEntry = Omit<HistoryEntry, 'occurredAt' | 'timerId' | 'changes' | 'assignedRole'> & {
  readonly timerId?: string;
  readonly changes?: readonly DataChange[];
  readonly assignedRole?: Role;
};

const HISTORY_COLUMNS = `seq, kind, transition, from_state, to_state, actor_id, assignee_id, input, comment, timer_id,
  changes, assigned_role`;

/**
 * One step as data-modifying CTEs of one `WITH`, ending before its final `SELECT`: the instance's
 * new state and version (`moved`), the actor among the participants, the history line and the
 * outbox event, whose `version` comes from the updated row.
 */
const STEP_CTES = `WITH moved AS (
     UPDATE workflow_instances AS i SET state = $2, terminal = $3, version = version + 1, updated_at = now(),
       state_entered_seq = coalesce($4, state_entered_seq), data = coalesce($5::jsonb, data)
     WHERE i.id = $1 RETURNING ${INSTANCE_COLUMNS}
   ), participant AS (
     INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
     SELECT id, $6::uuid, created_at FROM moved WHERE $6::uuid IS NOT NULL
     ON CONFLICT (instance_id, user_id) DO NOTHING
   ), line AS (
     INSERT INTO workflow_history (instance_id, ${HISTORY_COLUMNS})
     SELECT id, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18 FROM moved
   ), event AS (
     INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, traceparent, tracestate)
     SELECT $19, 'workflow', id, $20::jsonb || jsonb_build_object('version', version), $21, $22 FROM moved
   )`;

/** A step written and read back (`writeStep`). */
const WRITE_STEP = preparedStatement('workflow-instances.write-step', `${STEP_CTES} SELECT * FROM moved`);

/**
 * A step held back (`holdStep`), which fails on a division by zero unless the row it moved has the
 * version its last parameter claims.
 */
const HOLD_STEP = preparedStatement(
  'workflow-instances.hold-step',
  `${STEP_CTES} SELECT 1 / (SELECT count(*) FROM moved WHERE version = $23)::int`,
);

/** What `writeStep` writes for one transition or vote. */
export interface InstanceStep {
  readonly instanceId: string;
  readonly change: { state: string; terminal: boolean; enteredSeq?: number; data?: unknown };
  /** Who took the step, added to the participants; null: the system. */
  readonly participantId: string | null;
  readonly history: NewHistoryEntry;
  /** The event to announce; its payload gets the instance's new `version`. */
  readonly event: { topic: string; payload: Record<string, unknown> };
}

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
   * Locks the instance for the rest of the unit of work (transitions and assignment changes on one
   * instance take turns) and reads it with its past, in one round trip when nobody held the lock.
   *
   * Under READ COMMITTED a `SELECT … FOR UPDATE` that waited for the lock re-reads the locked row
   * but not its subqueries: they still show the instance as it was before the change it queued
   * behind (ten concurrent claims all won while this was one plain statement). Every change to an
   * instance's assignees, timers, participants or history bumps its version under this lock (a
   * worker settling a stale timer only ever removes a pending one, which a stale read can only
   * over-count), so the statement also reads the version its snapshot saw: when that differs from the locked row's,
   * it waited behind a change, and the read is repeated, now holding the lock, on a fresh snapshot.
   */
  async lockWithPast(
    id: string,
    viewerId: string,
    manager: EntityManager,
  ): Promise<{ viewed: ViewedInstance; past: InstancePast; unitNow: Date } | undefined> {
    const read = async () => {
      const [row] = await manager.query<Record<string, unknown>[]>(LOCK_WITH_PAST, [id, viewerId]);
      return row;
    };
    let row = await read();
    if (!row) return undefined;
    if (Number(row.snapshot_version) !== Number(row.version)) row = await read();
    return {
      viewed: { instance: toInstance(row), viewerParticipates: row.viewer_participates === true },
      past: pastOfRow(row),
      // The transaction's start, which every `now()` of this unit of work gives (`holdStep`).
      unitNow: row.unit_now as Date,
    };
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
      `INSERT INTO workflow_history (instance_id, ${HISTORY_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [instanceId, ...historyValues(entry)],
    );
  }

  /**
   * A step of the instance in one statement: the change (as `update`), the actor among the
   * participants, the history line and the outbox event, whose payload gets the version the
   * change gave the instance and which carries the current trace context. Returns the instance as stored; the assignees and timers it shows
   * are those earlier statements of the unit of work left (a statement's parts do not see each
   * other's writes, and none of these parts changes them).
   */
  async writeStep(step: InstanceStep, manager: EntityManager): Promise<WorkflowInstance> {
    const [row] = await manager.query<Record<string, unknown>[]>(WRITE_STEP, stepValues(step));
    return toInstance(row);
  }

  /**
   * The same step, held back to go out with the unit's next statement or its commit
   * (`TransactionRunner.deferWrite`), for a caller that already knows the row it writes: `expected`,
   * the instance as the step leaves it. The statement checks what it can of that claim (the
   * version it writes) and fails the unit when it does not hold, by a division by zero, rather than
   * let an answer built from `expected` disagree with the database.
   */
  async holdStep(step: InstanceStep, expected: WorkflowInstance, manager: EntityManager): Promise<void> {
    await this.transactions.deferWrite(manager, HOLD_STEP, [...stepValues(step), expected.version]);
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
    const [row] = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${PAST_COLUMNS} FROM workflow_instances i WHERE i.id = $1`,
      [instanceId],
    );
    return row ? pastOfRow(row) : pastOfJson([], []);
  }

  /**
   * An event for the worker to deliver, committed (or not) with the change it announces, with the
   * trace context of the unit of work that writes it (the relay and deliveries link back to it).
   */
  async appendOutbox(
    event: { topic: string; aggregateId: string; payload: Record<string, unknown> },
    manager: EntityManager,
  ): Promise<void> {
    const trace = traceColumns();
    await manager.query(
      `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, traceparent, tracestate)
       VALUES ($1, 'workflow', $2, $3, $4, $5)`,
      [event.topic, event.aggregateId, JSON.stringify(event.payload), trace.traceparent, trace.tracestate],
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

function historyValues(entry: NewHistoryEntry): unknown[] {
  return [
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
  ];
}

/** The past from a row with `PAST_COLUMNS`. */
function pastOfRow(row: Record<string, unknown>): InstancePast {
  const [visit, earlier] = [row.visit, row.earlier] as Parameters<typeof pastOfJson>;
  return pastOfJson(visit, earlier);
}

function stepValues(step: InstanceStep): unknown[] {
  const { change } = step;
  const trace = traceColumns();
  return [
    step.instanceId,
    change.state,
    change.terminal,
    change.enteredSeq ?? null,
    'data' in change ? JSON.stringify(change.data ?? null) : null,
    step.participantId,
    ...historyValues(step.history),
    step.event.topic,
    JSON.stringify(step.event.payload),
    trace.traceparent,
    trace.tracestate,
  ];
}
