import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';

/** One archived partition, as `audit_archives` records it. */
export interface AuditArchiveRecord {
  readonly partition: string;
  /** The partition's month, `YYYY-MM-01`. */
  readonly month: string;
  /** The seq range of the archive file; null for an archive of no events. */
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly lastHash: string | null;
  readonly eventCount: number;
  readonly fileName: string;
  readonly sha256: string;
}

/** A monthly partition of `audit_events`, by name (`audit_events_yYYYYmMM`) and month. */
export interface AuditPartition {
  readonly name: string;
  readonly month: string;
}

/** Only the archiver takes it: one partition is archived at a time across every replica. */
const ARCHIVING_LOCK = 0x61_72_63_68; // "arch"

/** Partition names are made by `audit_events_create_partition`; nothing else is ever interpolated. */
const PARTITION_NAME = /^audit_events_y\d{4}m\d{2}$/;

/** SQL for retention: expired partitions, their state, the archive records, and the drop. */
@Injectable()
export class AuditArchivesRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /** Monthly partitions that ended at least `months` months ago (UTC), oldest first. */
  async endedMonthsAgo(months: number): Promise<AuditPartition[]> {
    const rows = await this.transactions.query<{ name: string; month: string }>(
      `SELECT name, to_char(month, 'YYYY-MM-DD') AS month FROM (
         SELECT c.relname AS name, to_date(right(c.relname, 8), '"y"YYYY"m"MM') AS month
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_y[0-9]{4}m[0-9]{2}$'
       ) partitions
       WHERE (month + interval '1 month') AT TIME ZONE 'UTC' <= now() - make_interval(months => $1)
       ORDER BY month`,
      [months],
    );
    return rows;
  }

  /**
   * Takes the archiving lock until the transaction ends, if no one holds it; false otherwise (a
   * second archiver gives way rather than wait out a long archive under the statement timeout).
   */
  async tryLockForArchiving(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
      ARCHIVING_LOCK,
    ]);
    return row.locked;
  }

  /** Whether the partition is still attached to `audit_events` (not archived and dropped already). */
  async isAttached(partition: string, manager: EntityManager): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_events'::regclass AND c.relname = $1`,
      [partition],
    );
    return rows.length > 0;
  }

  /** Events of the partition waiting for the sealer, and its highest seq (null when it has no sealed event). */
  async partitionState(
    partition: string,
    manager: EntityManager,
  ): Promise<{ unsealed: number; lastSeq: number | null }> {
    const [row] = await manager.query<{ unsealed: number; last_seq: string | null }[]>(
      `SELECT (count(*) FILTER (WHERE seq IS NULL))::int AS unsealed, max(seq) AS last_seq FROM ${quoted(partition)}`,
    );
    return { unsealed: row.unsealed, lastSeq: row.last_seq === null ? null : Number(row.last_seq) };
  }

  /** The first signed anchor at or after `seq`: what vouches for every event up to it. */
  async anchorAtOrAfter(seq: number, manager: EntityManager): Promise<{ seq: number; hash: string } | undefined> {
    const [row] = await manager.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_anchors WHERE seq >= $1 ORDER BY seq LIMIT 1`,
      [seq],
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
  }

  /** The archive the retained chain continues from: the one with the highest last seq. */
  async newest(manager?: EntityManager): Promise<{ partition: string; lastSeq: number; lastHash: string } | undefined> {
    const sql = `SELECT partition_name, last_seq, last_hash FROM audit_archives
                 WHERE last_seq IS NOT NULL ORDER BY last_seq DESC LIMIT 1`;
    const rows = manager
      ? await manager.query<Record<string, unknown>[]>(sql)
      : await this.transactions.query<Record<string, unknown>>(sql);
    const row = rows[0];
    return row
      ? { partition: row.partition_name as string, lastSeq: Number(row.last_seq), lastHash: row.last_hash as string }
      : undefined;
  }

  async insert(archive: AuditArchiveRecord, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_archives (partition_name, month, first_seq, last_seq, last_hash, event_count, file_name, sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        archive.partition,
        archive.month,
        archive.firstSeq,
        archive.lastSeq,
        archive.lastHash,
        archive.eventCount,
        archive.fileName,
        archive.sha256,
      ],
    );
  }

  /** Detaches and drops the partition: DROP bypasses the row triggers, as retention must. */
  async dropPartition(partition: string, manager: EntityManager): Promise<void> {
    await manager.query(`ALTER TABLE audit_events DETACH PARTITION ${quoted(partition)}`);
    await manager.query(`DROP TABLE ${quoted(partition)}`);
  }
}

function quoted(partition: string): string {
  if (!PARTITION_NAME.test(partition)) throw new Error(`not an audit_events partition: ${partition}`);
  return `"${partition}"`;
}
