import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { BODY_COLUMNS, type StoredAuditEvent, toStored } from '../audit.repository';

/** The chain fields the sealer gives one event. */
export interface AuditLink {
  /** The event's writing transaction and position: its key in the (small) index of unsealed events. */
  readonly txid: string;
  readonly pos: number;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The sealer's SQL: the chain head, the queue of final unsealed events, the one permitted update. */
@Injectable()
export class AuditSealingRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Locks the chain head for the sealer's transaction. Only sealers take it, never writers: two
   * sealers at once (a lost fenced lock) queue here, and the second then reads the first's seals.
   */
  async lockHead(manager: EntityManager): Promise<{ seq: number; hash: string }> {
    const [head] = await manager.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`,
    );
    return { seq: Number(head.seq), hash: head.hash };
  }

  /**
   * The next unsealed events in chain order (txid, pos) whose transactions have ended: txid below
   * the snapshot's xmin (the oldest transaction still running anywhere in the cluster). Those are
   * final — committed and visible here, or rolled back and never visible — and no transaction
   * that could still commit can ever get an id below it, so this prefix of the order never changes.
   * One statement: the watermark and the rows come from the same snapshot.
   */
  async nextFinal(limit: number, manager: EntityManager): Promise<(StoredAuditEvent & { txid: string })[]> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT txid, pos, seq, prev_hash, hash, ${BODY_COLUMNS} FROM audit_events
       WHERE seq IS NULL AND txid < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY txid, pos LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ ...toStored(row), txid: String(row.txid) }));
  }

  /** Fills the chain fields of unsealed events (the trigger refuses any row already sealed); returns how many. */
  async seal(links: readonly AuditLink[], manager: EntityManager): Promise<number> {
    // This sealer's hashes cover trace ids: the seal-only trigger refuses an event that has one to
    // a sealer that does not say so (an earlier version's, during a rollout; migration 1795825500000).
    await manager.query(`SELECT set_config('flowgate.audit_seal_covers_trace_id', 'on', true)`);
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE audit_events e SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash, sealed_at = clock_timestamp()
       FROM unnest($1::xid8[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s(txid, pos, seq, prev_hash, hash)
       WHERE e.txid = s.txid AND e.pos = s.pos AND e.seq IS NULL`,
      [
        links.map((l) => l.txid),
        links.map((l) => l.pos),
        links.map((l) => l.seq),
        links.map((l) => l.prevHash),
        links.map((l) => l.hash),
      ],
    );
    return affected;
  }

  async moveHead(head: { seq: number; hash: string }, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [head.seq, head.hash]);
  }

  /** Creates the monthly partitions from this month to `monthsAhead` months ahead that are missing; returns how many. */
  async ensurePartitions(monthsAhead: number): Promise<number> {
    const [row] = await this.transactions.query<{ created: number }>(
      `SELECT audit_events_ensure_partitions($1) AS created`,
      [monthsAhead],
    );
    return row.created;
  }
}
