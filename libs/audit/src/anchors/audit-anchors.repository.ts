import { Injectable } from '@nestjs/common';
import { TransactionRunner, type SqlReader } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { AnchorPublicJwk } from './anchor.config';

export interface StoredAnchor {
  readonly seq: number;
  readonly hash: string;
  readonly signedAt: string;
  readonly keyId: string;
  readonly jws: string;
}

/** Any constant will do: only the anchor job takes this lock, once per interval, never a writer. */
const ANCHORING_LOCK = 0x61_6e_63_68; // "anch"

/** SQL for anchors and the development keys' public halves. Append-only, as the database enforces. */
@Injectable()
export class AuditAnchorsRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Serialises anchoring across replicas until the transaction ends, and returns the database's
   * clock (`signedAt` and the interval rule both read it, so replicas' clocks never disagree).
   */
  async lockForAnchoring(manager: EntityManager): Promise<Date> {
    const [row] = await manager.query<{ now: Date }[]>(`SELECT pg_advisory_xact_lock($1), clock_timestamp() AS now`, [
      ANCHORING_LOCK,
    ]);
    return row.now;
  }

  async latest(manager?: EntityManager): Promise<StoredAnchor | undefined> {
    const sql = `SELECT seq, hash, signed_at, key_id, jws FROM audit_anchors ORDER BY seq DESC LIMIT 1`;
    const rows = manager
      ? await manager.query<Record<string, unknown>[]>(sql)
      : await this.transactions.query<Record<string, unknown>>(sql);
    return rows[0] ? toAnchor(rows[0]) : undefined;
  }

  async insert(anchor: StoredAnchor, manager: EntityManager): Promise<void> {
    await manager.query(`INSERT INTO audit_anchors (seq, hash, signed_at, key_id, jws) VALUES ($1, $2, $3, $4, $5)`, [
      anchor.seq,
      anchor.hash,
      anchor.signedAt,
      anchor.keyId,
      anchor.jws,
    ]);
  }

  /** Newest first, older than `beforeSeq` when given. */
  async list(
    beforeSeq: number | undefined,
    limit: number,
    reader: SqlReader = this.transactions,
  ): Promise<StoredAnchor[]> {
    const rows = await reader.query<Record<string, unknown>>(
      `SELECT seq, hash, signed_at, key_id, jws FROM audit_anchors
       WHERE ($1::bigint IS NULL OR seq < $1) ORDER BY seq DESC LIMIT $2`,
      [beforeSeq ?? null, limit],
    );
    return rows.map(toAnchor);
  }

  /** The anchors of a seq range, in order, a batch at a time (an export can span years). */
  async *inRange(
    firstSeq: number,
    lastSeq: number,
    reader: SqlReader = this.transactions,
    batch = 1_000,
  ): AsyncGenerator<StoredAnchor> {
    let next = firstSeq;
    for (;;) {
      const rows = await reader.query<Record<string, unknown>>(
        `SELECT seq, hash, signed_at, key_id, jws FROM audit_anchors
         WHERE seq >= $1 AND seq <= $2 ORDER BY seq ASC LIMIT $3`,
        [next, lastSeq, batch],
      );
      for (const row of rows) yield toAnchor(row);
      if (rows.length < batch) return;
      next = Number(rows[rows.length - 1].seq) + 1;
    }
  }

  /** Publishes a development key's public half; a key registered before is left as it is. */
  async registerKey(jwk: AnchorPublicJwk): Promise<void> {
    await this.transactions.query(
      `INSERT INTO audit_anchor_keys (kid, public_jwk) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING`,
      [jwk.kid, JSON.stringify(jwk)],
    );
  }

  async registeredKeys(): Promise<AnchorPublicJwk[]> {
    const rows = await this.transactions.query<{ public_jwk: AnchorPublicJwk }>(
      `SELECT public_jwk FROM audit_anchor_keys ORDER BY created_at, kid`,
    );
    return rows.map((row) => row.public_jwk);
  }
}

function toAnchor(row: Record<string, unknown>): StoredAnchor {
  return {
    seq: Number(row.seq),
    hash: row.hash as string,
    signedAt: (row.signed_at as Date).toISOString(),
    keyId: row.key_id as string,
    jws: row.jws as string,
  };
}
