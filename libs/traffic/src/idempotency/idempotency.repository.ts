import { Injectable } from '@nestjs/common';
import { preparedStatement, TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { IdempotencyScope, StoredResponse } from './idempotency-scope';

const SCOPE_MATCH = 'principal = $1 AND method = $2 AND route = $3 AND idempotency_key = $4';

const scopeParams = (scope: IdempotencyScope) => [scope.principal, scope.method, scope.route, scope.key];

// Records from before body_text existed (or written by the previous release during a rollout)
// have only the jsonb value: its text is the same JSON, if not the same bytes.
const FIND_STORED = `SELECT fingerprint, status, headers, COALESCE(body_text, body::text) AS body FROM idempotency_records
  WHERE ${SCOPE_MATCH} AND expires_at > now()`;
/** Before every keyed write that meets a held marker: parsed and planned once per connection. */
const FIND_STORED_NAME = 'idempotency.find';

// Every keyed write sends both with its commit: prepared once per connection (`preparedStatement`).
const DELETE_EXPIRED = preparedStatement(
  'idempotency-records.delete-expired',
  `DELETE FROM idempotency_records WHERE ${SCOPE_MATCH} AND expires_at <= now()`,
);
const INSERT_RECORD = preparedStatement(
  'idempotency-records.insert',
  `INSERT INTO idempotency_records
     (principal, method, route, idempotency_key, fingerprint, status, headers, body, body_text,
      created_at, expires_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $8::text, now(), now() + make_interval(secs => $9))`,
);

interface StoredRow {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

const toStored = (row: StoredRow): StoredResponse => ({ ...row, status: Number(row.status) });

/** `idempotency_records`: the stored answers of completed idempotent requests. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /** The unexpired answer stored for this scope, if any (committed ones only). */
  async find(scope: IdempotencyScope): Promise<StoredResponse | undefined> {
    // Runs outside the request's unit of work (before it opens, or after it ended).
    const [row] = await this.transactions.query<StoredRow>(FIND_STORED, scopeParams(scope), { name: FIND_STORED_NAME });
    return row && toStored(row);
  }

  /**
   * The same lookup, riding behind the first statement of the unit of work that `manager` belongs
   * to (`TransactionRunner.checkAlong`): `seen` gets the stored answer, or undefined, before that
   * statement's result reaches the handler, and throws to stop the unit. A keyed write saves the
   * round trip the lookup took before the unit; and where that first statement locks what the
   * request changes (a transition's instance), the lookup sees whatever committed before the lock
   * was granted, a retry's own first attempt included.
   */
  findAlong(
    scope: IdempotencyScope,
    manager: EntityManager,
    seen: (stored: StoredResponse | undefined) => void,
  ): Promise<void> {
    return this.transactions.checkAlong(
      manager,
      FIND_STORED,
      scopeParams(scope),
      ([row]) => seen(row && toStored(row as unknown as StoredRow)),
      { name: FIND_STORED_NAME },
    );
  }

  /**
   * Stores the answer in the transaction of the change, held back to go out with its commit (one
   * round trip for the unit's held writes and the commit; `TransactionRunner.deferWrite`). An
   * expired record of the same scope (not yet purged) gives way. If another request of the same
   * scope stored first, PostgreSQL waits for that request's transaction, if still open, and then
   * fails the insert on the primary key (`isIdempotencyKeyTaken`): the commit fails with it, and
   * this unit of work, the change included, rolls back.
   */
  async store(
    scope: IdempotencyScope,
    response: StoredResponse,
    retentionSeconds: number,
    manager: EntityManager,
  ): Promise<void> {
    await this.transactions.deferWrite(manager, DELETE_EXPIRED, scopeParams(scope));
    await this.transactions.deferWrite(manager, INSERT_RECORD, [
      ...scopeParams(scope),
      response.fingerprint,
      response.status,
      JSON.stringify(response.headers),
      // The same text fills both columns: body_text as sent, body (jsonb) for the previous
      // release's replicas during a rollout (migration 1795822000000).
      response.body,
      retentionSeconds,
    ]);
  }

  /** Deletes up to `batch` expired records, in a unit of work of its own; returns how many it deleted. */
  purgeExpired(batch: number): Promise<number> {
    return this.transactions.run(async (manager) => {
      // DELETE through TypeORM's query() yields [rows, affectedCount].
      const [, deleted] = await manager.query<[unknown, number]>(
        `DELETE FROM idempotency_records WHERE ctid IN (
           SELECT ctid FROM idempotency_records WHERE expires_at <= now() LIMIT $1)`,
        [batch],
      );
      return deleted;
    });
  }
}

/** The primary key of `idempotency_records` (migration 1795818000000). */
const RECORD_KEY = 'idempotency_records_pkey';

/**
 * Whether `error` is a stored answer's insert refused because the scope's key is taken: another
 * request of the same scope committed its record first. The error may be the driver's or TypeORM's
 * wrapper of it.
 */
export function isIdempotencyKeyTaken(error: unknown): boolean {
  const { driverError } = (error ?? {}) as { driverError?: unknown };
  const { code, constraint } = (driverError ?? error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === RECORD_KEY;
}
