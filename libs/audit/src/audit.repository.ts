import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { AuditEventBody } from './audit-event';

export interface StoredAuditEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly body: AuditEventBody;
}

export interface AuditEventFilter {
  readonly actorTenantId?: string;
  readonly actorObjectId?: string;
  readonly action?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly outcome?: 'succeeded' | 'denied';
  readonly from?: string;
  readonly to?: string;
  /** Keyset: events older than this sequence number (newest first). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

const COLUMNS = `seq, prev_hash, hash, id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name,
  action, resource_type, resource_id, outcome, before, after, request_id, client_ip, user_agent`;

/**
 * SQL for the audit log. There is no update or delete here, and the database refuses them anyway.
 * Writes run in the caller's unit of work (its manager); reads go through `TransactionRunner.query`,
 * on the open unit's connection if there is one, else on the pool.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /** Locks the chain head until the caller's transaction ends; call it last in the transaction. */
  async lockHead(manager: EntityManager): Promise<{ seq: number; hash: string }> {
    const [head] = await manager.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`,
    );
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** The chain head, read without locking (verification compares it with the last event). */
  async head(): Promise<{ seq: number; hash: string }> {
    const [head] = await this.transactions.query<{ seq: string; hash: string }>(
      `SELECT seq, hash FROM audit_chain_head WHERE id = 1`,
    );
    return { seq: Number(head.seq), hash: head.hash };
  }

  async append(event: StoredAuditEvent, manager: EntityManager): Promise<void> {
    const { body } = event;
    await manager.query(
      `INSERT INTO audit_events (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        event.seq,
        event.prevHash,
        event.hash,
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
      ],
    );
    await manager.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [event.seq, event.hash]);
  }

  async list(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
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
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforeSeq !== undefined) add('seq < ?', filter.beforeSeq);
    params.push(filter.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM audit_events ${where} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toStored);
  }

  async findById(id: string): Promise<StoredAuditEvent | undefined> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM audit_events WHERE id = $1`,
      [id],
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** Events in chain order, `batch` at a time, so verifying a long range never holds it all. */
  async *inChainOrder(fromSeq: number, toSeq: number | undefined, batch = 1_000): AsyncGenerator<StoredAuditEvent> {
    let next = fromSeq;
    for (;;) {
      const rows = await this.transactions.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM audit_events WHERE seq >= $1 AND ($2::bigint IS NULL OR seq <= $2)
         ORDER BY seq ASC LIMIT $3`,
        [next, toSeq ?? null, batch],
      );
      for (const row of rows) yield toStored(row);
      if (rows.length < batch) return;
      next = Number(rows[rows.length - 1].seq) + 1;
    }
  }

  /** The sequence numbers bounding a time range, for verifying part of the chain. */
  async seqRange(
    from: string | undefined,
    to: string | undefined,
  ): Promise<{ first: number; last: number } | undefined> {
    const [row] = await this.transactions.query<{ first: string | null; last: string | null }>(
      `SELECT min(seq) AS first, max(seq) AS last FROM audit_events
       WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) AND ($2::timestamptz IS NULL OR occurred_at < $2)`,
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
}

function toStored(row: Record<string, unknown>): StoredAuditEvent {
  return {
    seq: Number(row.seq),
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
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
    },
  };
}
