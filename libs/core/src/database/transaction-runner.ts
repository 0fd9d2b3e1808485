import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { AmbientSlot } from '../context/ambient-slot';
import { inSpan } from '../observability/tracing/trace-context';
import { type Check, UnitConnection } from './unit-connection';

type Hook = () => Promise<void> | void;

/** The slice of node-postgres's pool that `query` uses (the TypeORM driver's `master`). */
interface PgPool {
  query<T>(query: { text: string; values: unknown[]; name?: string }): Promise<{ rows: T[] }>;
}

/** As the data source's `maxQueryExecutionTime`: above this a statement is logged. */
const SLOW_QUERY_MS = 1_000;

interface UnitOfWork {
  readonly manager: EntityManager;
  /** The level its opener asked for; undefined: the database's default. */
  readonly isolation: IsolationLevel | undefined;
  readonly afterCommit: Hook[];
  readonly afterEnd: Hook[];
  /** Its connection, which holds back the opening and deferred writes (`deferWrite`). */
  readonly connection: UnitConnection;
}

/**
 * The unit of work. A service method opens one transaction here and passes the `EntityManager`
 * to every repository, audit, outbox and idempotency write it makes, so they commit or roll back
 * together. Throwing inside `work` rolls everything back.
 *
 * Units of work nest by joining: `run` inside a running unit of work (the idempotency layer opens
 * one around a whole request, so that its record commits with the request's change) uses that
 * transaction. `runAlone` always opens a transaction of its own, for writes that must survive the
 * caller's rollback (an audited denial). Work that must only happen once the change is durable
 * (dropping a cache entry, telling other instances) is registered with `afterCommit`.
 */
@Injectable()
export class TransactionRunner {
  /** Per runner (tests run several apps in one process), in the shared ambient storage. */
  private readonly current = new AmbientSlot<UnitOfWork>('unit of work');

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(TransactionRunner.name);
  }

  /**
   * One statement for a read path (or a single-statement write that needs no unit of work of its
   * own, such as an upsert): on the open unit of work's connection if there is one (a request
   * holding a connection must never wait for a second: under load every holder would wait for
   * another and the pool would deadlock), else straight on the driver's pool. With `run`, the only
   * way repositories reach PostgreSQL (no `DataSource` outside this folder: eslint.config.mjs).
   * `DataSource.query` builds a query runner per call, which on a single-row read costs more than
   * the query itself (measured: ×0.60 → ×0.84 of a route without the read). Slow statements are
   * logged as TypeORM's would be.
   *
   * `options.name` makes it a named prepared statement on the pool path: each connection parses
   * and plans it once instead of on every call, which measured 97 → 56 µs of PostgreSQL CPU per
   * single-row read. One name per SQL text. Behind PgBouncer in transaction mode, enable its
   * prepared-statement support (`max_prepared_statements`, PgBouncer 1.21+).
   */
  async query<T>(sql: string, parameters: readonly unknown[] = [], options: { name?: string } = {}): Promise<T[]> {
    const open = this.current.get();
    if (open) return open.manager.query<T[]>(sql, [...parameters]);
    const pool = (this.dataSource.driver as unknown as { master: PgPool }).master;
    const started = performance.now();
    const { rows } = await pool.query<T>({ text: sql, values: [...parameters], name: options.name });
    const elapsedMs = performance.now() - started;
    if (elapsedMs > SLOW_QUERY_MS) this.logger.warn({ timeMs: Math.round(elapsedMs), query: sql }, 'Slow query');
    return rows;
  }

  /** Whether a unit of work is open in this async context (its reads must see its own writes). */
  get inUnitOfWork(): boolean {
    return this.current.get() !== undefined;
  }

  /**
   * Runs `work` in the unit of work already open in this async context, or in a new one.
   *
   * A joined unit keeps the isolation level of whoever opened it, so asking for a level is only
   * allowed where that is the level already in force: no level (any unit will do) or the opener's.
   * Asking for another one is refused with a plain `Error` (a 500): silently running SERIALIZABLE
   * work at READ COMMITTED would lose the guarantee the caller asked for. It is a programming error,
   * not the request's fault: open the outer unit at the level its inner work needs.
   */
  run<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const open = this.current.get();
    if (!open) return this.runAlone(work, isolation);
    if (isolation !== undefined && isolation !== open.isolation) {
      const mismatch = new Error(
        `run() asked for ${isolation} isolation inside a unit of work opened at ` +
          `${open.isolation ?? "the database's default level"}: a joined unit keeps its opener's level. ` +
          'Open the outer unit of work at the level the inner work needs.',
      );
      // Rejected rather than thrown: callers chain on the promise (`.catch`) as for any failure.
      return Promise.reject(mismatch);
    }
    return work(open.manager);
  }

  /** Runs `work` in a new transaction of its own, whatever is open around it. */
  async runAlone<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const afterCommit: Hook[] = [];
    const afterEnd: Hook[] = [];
    const unanswered: Check[] = [];
    let result: T;
    try {
      // One span per transaction, its round trips (opening to commit) as children (pg's spans).
      result = await inSpan('unit of work', () =>
        this.transaction(
          isolation,
          (manager, connection) =>
            this.current.run({ manager, isolation, afterCommit, afterEnd, connection }, () => work(manager)),
          unanswered,
        ),
      );
    } catch (error) {
      // A verdict that throws here replaces the failure, and the hooks do not run: the unit was
      // not to run at all (an answer already stored), so nothing it decided may be kept either.
      await this.answerAfterFailure(unanswered);
      await this.runHooks(afterEnd);
      throw error;
    }
    await this.runHooks(afterCommit);
    await this.runHooks(afterEnd);
    return result;
  }

  /**
   * As TypeORM's `EntityManager.transaction` (a query runner of its own, start, work, commit, or
   * roll back and rethrow the work's error; release), with the runner's statements going through
   * a `UnitConnection`: the opening rides with the first statement and held writes with the next
   * one or the commit, so a unit costs two round trips fewer.
   */
  private async transaction<T>(
    isolation: IsolationLevel | undefined,
    work: (manager: EntityManager, connection: UnitConnection) => Promise<T>,
    unanswered: Check[],
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const connection = new UnitConnection(runner);
    try {
      await runner.startTransaction(isolation);
      const result = await work(runner.manager, connection);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      // The work's error is the one to report, even if the rollback fails too (a lost connection).
      await runner.rollbackTransaction().catch(() => undefined);
      unanswered.push(...connection.unansweredChecks());
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs `work` inside the open unit of work under a savepoint. If it throws, its writes and the
   * `afterCommit` hooks it registered are undone, the error is rethrown, and the unit stays open
   * and usable: the caller can record the failure with the locks it took before still held (a
   * worker's claim on a timer, which a second unit of work would give up between the two).
   * Costs one statement (`SAVEPOINT`); a success leaves the savepoint to the commit.
   */
  async attempt<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.get();
    if (!open) throw new Error('attempt() called outside a unit of work');
    const afterCommit: Hook[] = [];
    // Writes held back before it go in front of the savepoint: they belong to the work before.
    await open.manager.query('SAVEPOINT flowgate_attempt');
    try {
      const result = await this.current.run({ ...open, afterCommit }, () => work(open.manager));
      open.afterCommit.push(...afterCommit);
      return result;
    } catch (error) {
      // Writes the attempt held back go with it. The most recent savepoint of that name:
      // attempts nest.
      open.connection.dropHeld();
      await open.manager.query('ROLLBACK TO SAVEPOINT flowgate_attempt');
      throw error;
    }
  }

  /**
   * A write whose result nobody needs (an audit event, an idempotency record), held back to go out
   * in front of the unit's next statement, or in front of its `COMMIT`: in the same round trip, so
   * a unit that ends with such writes sends them and its commit at once. Each round trip is a
   * socket write and a wake-up of a PostgreSQL backend, which the profiles of a transition put at
   * about as much of the API's CPU as everything else a statement costs (docs/performance.md,
   * "Write path: socket writes").
   *
   * Held writes keep their order and go before any later statement of the unit, which therefore
   * sees them. What changes is where an error shows: a held write that fails fails the statement
   * (or the commit) that carried it, and with it the unit. `manager` must be the open unit's;
   * outside one, or with another manager, the write is sent at once.
   */
  async deferWrite(manager: EntityManager, sql: string, parameters: readonly unknown[]): Promise<void> {
    const open = this.current.get();
    if (!open || open.manager !== manager) {
      await manager.query(sql, [...parameters]);
      return;
    }
    open.connection.hold(sql, parameters);
  }

  /**
   * A read that decides whether the open unit of work may go on at all (is this request's answer
   * already stored?), sent behind the unit's next statement in its round trip instead of in one
   * of its own before the unit: `verdict` gets its rows before that statement's caller gets its
   * result, and throws to stop the unit, which then cannot commit (UnitConnection, "checks"). So
   * the unit runs up to its first statement before it knows; its work until then must keep
   * nothing outside the database. If the unit fails before any statement carried the read (it
   * refused the request first), the read is made after the rollback and before the `afterUnitOfWork`
   * hooks; a verdict that throws then replaces the failure and the hooks are skipped, as if the
   * read had come first. Outside a unit of work, or with another manager, it is made at once.
   * `options.name` names it as `query` does, for when it is sent on its own.
   */
  async checkAlong(
    manager: EntityManager,
    sql: string,
    parameters: readonly unknown[],
    verdict: Check['verdict'],
    options: { name?: string } = {},
  ): Promise<void> {
    const open = this.current.get();
    if (!open || open.manager !== manager) {
      verdict(await this.query(sql, parameters, options));
      return;
    }
    open.connection.check(sql, parameters, verdict, options.name);
  }

  /** The checks a failed unit never sent, made now (see `checkAlong`); a failing read is skipped. */
  private async answerAfterFailure(checks: readonly Check[]): Promise<void> {
    for (const check of checks) {
      const rows = await this.query<Record<string, unknown>>(check.statement.text, check.statement.values, {
        name: check.name,
      }).catch((error: unknown) => {
        // The unit's own failure (often the same outage) is what the caller gets and reports.
        this.logger.debug({ err: error }, 'A check of a failed unit of work could not be made');
        return undefined;
      });
      if (rows) check.verdict(rows);
    }
  }

  /**
   * Runs `hook` once the open unit of work has ended, committed or rolled back, and its
   * connection is back in the pool; at once when none is open. For writes that need a connection
   * of their own (an audited denial): taking a second connection while holding one can exhaust
   * the pool under load, every holder waiting for another.
   */
  async afterUnitOfWork(hook: Hook): Promise<void> {
    const open = this.current.get();
    if (open) open.afterEnd.push(hook);
    else await hook();
  }

  /** Registers `hook` to run after the open unit of work commits (never if it rolls back). */
  afterCommit(hook: Hook): void {
    const open = this.current.get();
    if (!open) throw new Error('afterCommit() called outside a unit of work');
    open.afterCommit.push(hook);
  }

  private async runHooks(hooks: readonly Hook[]): Promise<void> {
    for (const hook of hooks) {
      // The unit of work has ended: a failing hook must not turn its outcome into another error.
      await Promise.resolve()
        .then(hook)
        .catch((error: unknown) => this.logger.error({ err: error }, 'A step after a unit of work failed'));
    }
  }
}
