import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { HistoryEntry, HistoryKind, InstancePast, WorkflowInstance } from './workflow-instance';

const INSTANCE_COLUMNS = `id, definition_key, definition_version, state, terminal, data, initiator_id, version,
  created_at, updated_at`;

export interface InstanceListFilter {
  readonly definitionKey?: string;
  readonly state?: string;
  readonly initiatorId?: string;
  /** Only instances in one of these (definition key, version, state) places. */
  readonly places?: readonly { readonly key: string; readonly version: number; readonly state: string }[];
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** A history line to append; the database stamps its time. */
export type NewHistoryEntry = Omit<HistoryEntry, 'occurredAt'>;

/** SQL for workflow instances, their history and the outbox. Writes run in the caller's unit of work. */
@Injectable()
export class WorkflowInstancesRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async insert(
    instance: { definitionKey: string; definitionVersion: number; state: string; data: unknown; initiatorId: string },
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO workflow_instances (definition_key, definition_version, state, data, initiator_id)
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

  async findById(id: string): Promise<WorkflowInstance | undefined> {
    const [row] = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = $1`,
      [id],
      // The hottest read of the API (every GET of a workflow): prepared once per connection.
      { name: 'workflow-instance-by-id' },
    );
    return row ? toInstance(row) : undefined;
  }

  /** Locks the instance for the rest of the unit of work: transitions on one instance take turns. */
  async lockById(id: string, manager: EntityManager): Promise<WorkflowInstance | undefined> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ? toInstance(row) : undefined;
  }

  /** Moves the instance (or, for a vote, only bumps its version) and returns it as stored. */
  async update(
    id: string,
    change: { state: string; terminal: boolean },
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    const [[row]] = await manager.query<[Record<string, unknown>[], number]>(
      `UPDATE workflow_instances SET state = $2, terminal = $3, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${INSTANCE_COLUMNS}`,
      [id, change.state, change.terminal],
    );
    return toInstance(row);
  }

  async list(filter: InstanceListFilter): Promise<WorkflowInstance[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.definitionKey) where.push(`definition_key = ${param(filter.definitionKey)}`);
    if (filter.state) where.push(`state = ${param(filter.state)}`);
    if (filter.initiatorId) where.push(`initiator_id = ${param(filter.initiatorId)}`);
    if (filter.places) {
      if (filter.places.length === 0) return [];
      where.push(
        `(definition_key, definition_version, state) IN (SELECT * FROM unnest(${param(filter.places.map((p) => p.key))}::text[], ` +
          `${param(filter.places.map((p) => p.version))}::int[], ${param(filter.places.map((p) => p.state))}::text[]))`,
      );
    }
    if (filter.after) {
      where.push(`(created_at, id) < (${param(filter.after.createdAt)}::timestamptz, ${param(filter.after.id)}::uuid)`);
    }
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map(toInstance);
  }

  /**
   * The definition versions that may have instances to act on. Read from the (small) definitions
   * table rather than as a DISTINCT over every instance; versions without instances match nothing.
   */
  async definitionVersions(): Promise<{ key: string; version: number }[]> {
    const rows = await this.transactions.query<{ key: string; version: number }>(
      `SELECT key, version FROM workflow_definitions`,
    );
    return rows.map((row) => ({ key: row.key, version: Number(row.version) }));
  }

  async appendHistory(instanceId: string, entry: NewHistoryEntry, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_history (instance_id, seq, kind, transition, from_state, to_state, actor_id, input, comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        instanceId,
        entry.seq,
        entry.kind,
        entry.transition,
        entry.fromState,
        entry.toState,
        entry.actorId,
        entry.input === undefined ? null : JSON.stringify(entry.input),
        entry.comment,
      ],
    );
  }

  /** The history, oldest first, from `afterSeq` on, at most `limit` entries. */
  async history(instanceId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT seq, kind, transition, from_state, to_state, actor_id, input, comment, occurred_at
       FROM workflow_history WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [instanceId, afterSeq, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      kind: row.kind as HistoryKind,
      transition: (row.transition as string | null) ?? null,
      fromState: (row.from_state as string | null) ?? null,
      toState: row.to_state as string,
      actorId: row.actor_id as string,
      input: row.input ?? null,
      comment: (row.comment as string | null) ?? null,
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
      actor_id: string;
    }>(`SELECT seq, kind, transition, actor_id FROM workflow_history WHERE instance_id = $1 ORDER BY seq`, [
      instanceId,
    ]);
    // Keyed by transition names, which may be `constructor` or `toString`: no prototype to collide with.
    const byName = (): Record<string, string[]> => Object.create(null) as Record<string, string[]>;
    const actorsByTransition = byName();
    let votes = byName();
    for (const row of rows) {
      // Entering a state (start or move) opens a new visit: earlier votes no longer count.
      if (row.kind !== 'voted') votes = byName();
      if (row.transition === null) continue;
      (actorsByTransition[row.transition] ??= []).push(row.actor_id);
      if (row.kind === 'voted') (votes[row.transition] ??= []).push(row.actor_id);
    }
    return { lastSeq: rows.length > 0 ? Number(rows[rows.length - 1].seq) : 0, actorsByTransition, votes };
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
    version: Number(row.version),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
