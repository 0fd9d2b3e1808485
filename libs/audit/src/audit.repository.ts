import { Injectable } from '@nestjs/common';
import { preparedStatement, TransactionRunner, type SqlReader } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { AuditEventBody } from './audit-event';

/** An event as stored: sealed (linked into the chain) or waiting for the sealer (chain fields null). */
export interface StoredAuditEvent {
  /** Insertion order: the listing order and its cursor (not the chain order). */
  readonly pos: number;
  readonly seq: number | null;
  readonly prevHash: string | null;
  readonly hash: string | null;
  readonly body: AuditEventBody;
}

/** A sealed event: the chain walks and verification read only these. */
export interface SealedAuditEvent extends StoredAuditEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditEventFilter {
  readonly actorTenantId?: string;
  readonly actorObjectId?: string;
  readonly action?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly outcome?: 'succeeded' | 'denied';
  readonly traceId?: string;
  readonly from?: string;
  readonly to?: string;
  /** Keyset: events inserted before this position (newest first). */
  readonly beforePos?: number;
  readonly limit: number;
}

/** Events waiting for the sealer: how many, and the age of the oldest (null when none). */
export interface UnsealedBacklog {
  readonly count: number;
  readonly oldestAgeSeconds: number | null;
}

export const BODY_COLUMNS = `id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name, action,
  resource_type, resource_id, outcome, before, after, request_id, client_ip, user_agent, trace_id`;

const COLUMNS = `pos, seq, prev_hash, hash, ${BODY_COLUMNS}`;

/** The time range condition on `occurred_at` with its bounds as parameters `$from` and `$to`. */
const inRange = (from: number, to: number) =>
  `($${from}::timestamptz IS NULL OR occurred_at >= $${from}) AND ($${to}::timestamptz IS NULL OR occurred_at < $${to})`;

/**
 * SQL for the audit log. There is no delete here and no update but the sealer's (in
 * `sealing/`), and the database refuses any other. Writes run in the caller's unit of work (its
 * manager); reads go through `TransactionRunner.query`, on the open unit's connection if there is
 * one, else on the pool — or through the `SqlReader` a caller passes, for the reads it lets go to
 * the read replica (`ReadReplica.reader()`, ADR 29).
 */
/** Every audited change sends it: prepared once per connection (`preparedStatement`). */
const INSERT_EVENT = preparedStatement(
  'audit-events.insert',
  `INSERT INTO audit_events (${BODY_COLUMNS})
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
);

@Injectable()
export class AuditRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * The writer's one statement: the event, unsealed. No chain head is read or locked, so writers
   * on unrelated resources never wait for each other; the database stamps the writer's
   * transaction id (`txid`) and position (`pos`) the sealer orders by.
   *
   * Deferred (`TransactionRunner.deferWrite`): held back to go out in front of the unit's next
   * statement or with its commit, in the same round trip, atomic with the change either way.
   */
  async insert(body: AuditEventBody, manager: EntityManager): Promise<void> {
    await this.transactions.deferWrite(manager, INSERT_EVENT, [
      body.id,
      body.occurredAt,
      body.actor.type,
      body.actor.tenantId,
      body.actor.objectId,
      body.actor.displayName,
      body.action,
      body.resource.type,
      body.resource.id,
      body.outcome,
      body.before === null ? null : JSON.stringify(body.before),
      body.after === null ? null : JSON.stringify(body.after),
      body.requestId,
      body.clientIp,
      body.userAgent,
      body.traceId ?? null,
    ]);
  }

  /** The chain head (the last sealed event; seq 0 before the first), moved only by the sealer. */
  async head(): Promise<{ seq: number; hash: string }> {
    const [head] = await this.transactions.query<{ seq: string; hash: string }>(
      `SELECT seq, hash FROM audit_chain_head WHERE id = 1`,
    );
    return { seq: Number(head.seq), hash: head.hash };
  }

  async list(filter: AuditEventFilter, reader: SqlReader = this.transactions): Promise<StoredAuditEvent[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actorTenantId) add('actor_tenant_id = ?', filter.actorTenantId);
    if (filter.actorObjectId) add('actor_object_id = ?', filter.actorObjectId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.resourceType) add('resource_type = ?', filter.resourceType);
    if (filter.resourceId) add('resource_id = ?', filter.resourceId);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.traceId) add('trace_id = ?', filter.traceId);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforePos !== undefined) add('pos < ?', filter.beforePos);
    params.push(filter.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await reader.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM audit_events ${where} ORDER BY pos DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toStored);
  }

  async findById(id: string, reader: SqlReader = this.transactions): Promise<StoredAuditEvent | undefined> {
    const rows = await reader.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM audit_events WHERE id = $1`, [id]);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /**
   * Sealed events in chain order, `batch` at a time, so verifying a long range never holds it all.
   * The keyset is (seq, pos): a seq stored twice (the database cannot forbid it across partitions)
   * is walked twice and reported by the verifier, never skipped at a batch boundary.
   */
  async *inChainOrder(
    fromSeq: number,
    toSeq: number | undefined,
    reader: SqlReader = this.transactions,
    batch = 1_000,
  ): AsyncGenerator<SealedAuditEvent> {
    let after = { seq: fromSeq - 1, pos: Number.MAX_SAFE_INTEGER };
    for (;;) {
      const rows = await reader.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM audit_events
         WHERE seq >= $1 AND (seq, pos) > ($1, $2) AND ($3::bigint IS NULL OR seq <= $3)
         ORDER BY seq, pos LIMIT $4`,
        [after.seq, after.pos, toSeq ?? null, batch],
      );
      for (const row of rows) yield toStored(row) as SealedAuditEvent;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1];
      after = { seq: Number(last.seq), pos: Number(last.pos) };
    }
  }

  /**
   * The events of a time range that were not sealed up to `sealedUpTo` (unsealed now, or sealed
   * after it), in the order the sealer takes them (txid, pos), `batch` at a time. The keyset never
   * changes for a row while it is sealed, so each is read once whichever side of sealing it is.
   */
  async *beyondSeq(
    sealedUpTo: number,
    from: string | undefined,
    to: string | undefined,
    reader: SqlReader = this.transactions,
    batch = 1_000,
  ): AsyncGenerator<StoredAuditEvent> {
    let after: { txid: string; pos: number } = { txid: '0', pos: 0 };
    const select = `SELECT txid, ${COLUMNS} FROM audit_events`;
    const page = `AND (txid, pos) > ($2::xid8, $3::bigint) AND ${inRange(4, 5)} ORDER BY txid, pos LIMIT $6`;
    for (;;) {
      const rows = await reader.query<Record<string, unknown>>(
        `(${select} WHERE seq IS NULL ${page}) UNION ALL (${select} WHERE seq > $1 ${page}) ORDER BY txid, pos LIMIT $6`,
        [sealedUpTo, after.txid, after.pos, from ?? null, to ?? null, batch],
      );
      for (const row of rows) yield toStored(row);
      if (rows.length < batch) return;
      const last = rows[rows.length - 1];
      after = { txid: String(last.txid), pos: Number(last.pos) };
    }
  }

  /** The sequence numbers bounding the sealed events of a time range, for verifying part of the chain. */
  async seqRange(
    from: string | undefined,
    to: string | undefined,
    reader: SqlReader = this.transactions,
  ): Promise<{ first: number; last: number } | undefined> {
    const [row] = await reader.query<{ first: string | null; last: string | null }>(
      `SELECT min(seq) AS first, max(seq) AS last FROM audit_events WHERE ${inRange(1, 2)}`,
      [from ?? null, to ?? null],
    );
    return row?.first ? { first: Number(row.first), last: Number(row.last) } : undefined;
  }

  async hashBefore(seq: number): Promise<string | undefined> {
    const [row] = await this.transactions.query<{ hash: string }>(`SELECT hash FROM audit_events WHERE seq = $1`, [
      seq - 1,
    ]);
    return row?.hash;
  }

  /** The events of a time range (all when open) not sealed yet; cheap: the unsealed index holds only those. */
  async unsealedBacklog(from?: string, to?: string): Promise<UnsealedBacklog> {
    const [row] = await this.transactions.query<{ count: number; oldest: number | null }>(
      `SELECT count(*)::int AS count, extract(epoch FROM clock_timestamp() - min(occurred_at))::float8 AS oldest
       FROM audit_events WHERE seq IS NULL AND ${inRange(1, 2)}`,
      [from ?? null, to ?? null],
    );
    return { count: row.count, oldestAgeSeconds: row.oldest === null ? null : Math.max(0, row.oldest) };
  }
}

export function toStored(row: Record<string, unknown>): StoredAuditEvent {
  return {
    pos: Number(row.pos),
    seq: row.seq === null ? null : Number(row.seq),
    prevHash: (row.prev_hash as string | null) ?? null,
    hash: (row.hash as string | null) ?? null,
    body: {
      id: row.id as string,
      occurredAt: (row.occurred_at as Date).toISOString(),
      actor: {
        type: row.actor_type as 'user' | 'system',
        tenantId: (row.actor_tenant_id as string | null) ?? null,
        objectId: (row.actor_object_id as string | null) ?? null,
        displayName: (row.actor_name as string | null) ?? null,
      },
      action: row.action as string,
      resource: { type: row.resource_type as string, id: (row.resource_id as string | null) ?? null },
      outcome: row.outcome as 'succeeded' | 'denied',
      before: (row.before as Record<string, unknown> | null) ?? null,
      after: (row.after as Record<string, unknown> | null) ?? null,
      requestId: (row.request_id as string | null) ?? null,
      clientIp: (row.client_ip as string | null) ?? null,
      userAgent: (row.user_agent as string | null) ?? null,
      // Absent rather than null when there is none: see AuditEventBody.
      ...(row.trace_id ? { traceId: row.trace_id as string } : {}),
    },
  };
}
