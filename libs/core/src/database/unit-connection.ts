import type { ClientBase, QueryResult as PgResult } from 'pg';
import { QueryFailedError, type QueryRunner, QueryResult, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { sendPipelined, type Statement } from './pipelined-query';

/**
 * A read that rides behind the unit's next statement (`UnitConnection.check`): `verdict` sees its
 * rows before that statement's caller gets its result, and throws to stop the unit.
 */
export interface Check {
  readonly statement: Statement;
  readonly verdict: (rows: Record<string, unknown>[]) => void;
  /**
   * Its prepared statement's name when it is sent on its own (`TransactionRunner.query`, pg's
   * named query). Not on `statement`: in a pipeline it goes unnamed, since a name pg's own queries
   * use must not be prepared by pipelines too (`preparedStatement`).
   */
  readonly name?: string;
}

/** What TypeORM sends to open a transaction (`startTransaction`): held until the first statement. */
const OPENING = /^(START TRANSACTION|SET TRANSACTION ISOLATION LEVEL [A-Z ]+)$/;

/**
 * The connection of one unit of work, which sends its statements in as few round trips as their
 * order allows. Every statement costs the API a socket write and a wake-up of a PostgreSQL backend,
 * which on a transition was about as much CPU as all the rest of its handling
 * (docs/performance.md, "Write path: socket writes"); node-postgres waits for each statement's
 * answer before it sends the next. So, on this one connection:
 *
 * - the transaction's opening (`START TRANSACTION`, an isolation level) is held and goes out in
 *   front of the unit's first statement, in the same round trip; a unit that sends nothing costs
 *   nothing, not even its `COMMIT`;
 * - writes nobody reads the result of (`hold`: an audit event, an idempotency record) are held and
 *   go out, in the order held, in front of the unit's next statement, whatever it is, or in front
 *   of its `COMMIT`. Any later statement therefore sees them, as if sent at once; only their
 *   errors show later, on the statement that carried them (and fail the unit as any error does);
 * - reads that decide whether the unit should go on at all (`check`: is this request's answer
 *   already stored?) ride behind the unit's next statement, in its round trip, and their verdict
 *   is given before that statement's caller sees its result. A verdict that throws fails that
 *   statement with its error, and every later one and the commit: the unit cannot commit. With no
 *   statement left but the `COMMIT`, checks go in a round trip of their own before it, ahead of the
 *   held writes (a check must be answered before anything can commit). Checks never sent (the unit
 *   failed first) are left for the runner to answer after the rollback (`unansweredChecks`).
 *
 * A pipeline stops at its first error (pipelined-query.ts), so a `COMMIT` never runs behind a
 * failed write. A `COMMIT` that PostgreSQL answers as `ROLLBACK` (the transaction had already
 * failed) is an error here, where TypeORM would take it for a commit.
 *
 * It works by taking over the query runner's `query`, the one method every TypeORM path of a unit
 * of work goes through (`EntityManager.query`, repositories, `startTransaction`,
 * `commitTransaction`, `rollbackTransaction`); statements with nothing held in front of them go
 * to TypeORM's own `query` unchanged. Results and errors keep TypeORM's shapes.
 */
export class UnitConnection {
  /** The transaction's opening statements, until they are sent. */
  private opening: Statement[] = [];
  /** Writes held back, in order, until the next statement or the commit. */
  private held: Statement[] = [];
  /** Reads waiting to ride behind the next statement, with their verdicts. */
  private checks: Check[] = [];
  /** A check's verdict that stopped the unit: every later statement and the commit fail with it. */
  private stopped: { readonly error: unknown } | undefined;
  /** Whether the opening has been sent: a transaction block exists on the server. */
  private begun = false;
  /** TypeORM's own `query` (its overloads, without the structured one's literal type). */
  private readonly plainQuery: (
    sql: string,
    parameters: unknown[] | undefined,
    structured: boolean,
  ) => Promise<unknown>;

  constructor(private readonly runner: QueryRunner) {
    this.plainQuery = runner.query.bind(runner) as UnitConnection['plainQuery'];
    runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) =>
      this.query(sql, parameters, structured === true)) as QueryRunner['query'];
  }

  /** Holds `sql` (a write whose result nobody needs) until the unit's next statement or commit. */
  hold(sql: string, values: readonly unknown[]): void {
    this.held.push({ text: sql, values });
  }

  /** Sends `sql` behind the unit's next statement and hands its rows to `verdict` first (see above). */
  check(sql: string, values: readonly unknown[], verdict: Check['verdict'], name?: string): void {
    this.checks.push({ statement: { text: sql, values }, verdict, name });
  }

  /** The checks never sent, taken out: the unit failed before any statement carried them. */
  unansweredChecks(): Check[] {
    const left = this.checks;
    this.checks = [];
    return left;
  }

  /** Forgets the writes held so far (a failed attempt's, rolled back to its savepoint). */
  dropHeld(): void {
    this.held = [];
  }

  private async query(sql: string, parameters: unknown[] | undefined, structured: boolean): Promise<unknown> {
    if (!this.begun && OPENING.test(sql)) {
      this.opening.push({ text: sql });
      return nothingFrom(structured);
    }
    if (sql === 'ROLLBACK') {
      this.held = [];
      this.stopped = undefined;
      if (!this.begun) {
        this.opening = [];
        return nothingFrom(structured);
      }
      return this.plainQuery(sql, parameters, structured);
    }
    if (this.stopped) throw this.stopped.error;
    if (sql === 'COMMIT') return this.commit(structured);
    if (this.opening.length === 0 && this.held.length === 0 && this.checks.length === 0) {
      return this.plainQuery(sql, parameters, structured);
    }
    const result = (await this.sendWithPending({ text: sql, values: parameters })) as PgResult;
    return shapedAsTypeOrm(result, structured);
  }

  private async commit(structured: boolean): Promise<unknown> {
    // Answered before anything can commit, and ahead of the held writes, which they must not see.
    if (this.checks.length > 0) await this.sendWithPending(undefined, { heldToo: false });
    if (!this.begun && this.held.length === 0) {
      this.opening = [];
      return nothingFrom(structured);
    }
    const outcome = await this.sendWithPending({ text: 'COMMIT' });
    if (outcome?.command !== 'COMMIT') {
      throw new QueryFailedError(
        'COMMIT',
        [],
        new Error(`the transaction had failed: COMMIT ended in ${outcome?.command}`),
      );
    }
    return shapedAsTypeOrm(outcome, structured);
  }

  /**
   * `statement` with the opening and the held writes in front of it and the checks behind it, in
   * one round trip; resolves with its result once the checks' verdicts are given. Without a
   * statement, the opening and the checks alone, and the held writes unless `heldToo` is false.
   */
  private async sendWithPending(
    statement: Statement | undefined,
    { heldToo = true } = {},
  ): Promise<PgResult | undefined> {
    // As TypeORM's own `query`: a runner whose connection failed was released, and says so, rather
    // than sending on a client that is no longer queryable.
    if (this.runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const held = heldToo ? this.held : [];
    const checks = this.checks;
    const statements = [
      ...this.opening,
      ...held,
      ...(statement ? [statement] : []),
      ...checks.map((check) => check.statement),
    ];
    // Sent, whatever comes back: a failure leaves an aborted transaction to roll back, not writes
    // to send again. Checks it kept from running stay unanswered, for the runner to answer after.
    this.opening = [];
    if (heldToo) this.held = [];
    this.checks = [];
    this.begun = true;
    let results: PgResult[];
    try {
      results = await this.sendAll(statements);
    } catch (error) {
      this.checks = checks;
      throw error;
    }
    const answers = results.slice(results.length - checks.length);
    try {
      checks.forEach((check, index) => check.verdict(answers[index].rows as Record<string, unknown>[]));
    } catch (error) {
      this.stopped = { error };
      throw error;
    }
    return statement ? results[results.length - 1 - checks.length] : undefined;
  }

  /** `statements` in one round trip, logged and failed as TypeORM's own `query` would. */
  private async sendAll(statements: Statement[]): Promise<PgResult[]> {
    const client = (await this.runner.connect()) as ClientBase;
    const { logger, options } = this.runner.connection;
    // The text and values TypeORM's logger and error carry, put together only when needed.
    const text = () => statements.map((each) => each.text.trim()).join(';\n');
    const parameters = () => statements.flatMap((each) => each.values ?? []);
    const started = performance.now();
    try {
      return await sendPipelined(client, statements);
    } catch (error) {
      logger.logQueryError(error as Error, text(), parameters(), this.runner);
      throw new QueryFailedError(text(), parameters(), error as Error);
    } finally {
      const elapsedMs = performance.now() - started;
      const slowMs = (options as { maxQueryExecutionTime?: number }).maxQueryExecutionTime;
      if (slowMs && elapsedMs > slowMs) logger.logQuerySlow(Math.round(elapsedMs), text(), parameters(), this.runner);
    }
  }
}

/** TypeORM's answer to a statement with no rows (the held opening, a `COMMIT` not sent). */
function nothingFrom(structured: boolean): unknown {
  return structured ? new QueryResult() : [];
}

/** A pg result as TypeORM's `PostgresQueryRunner.query` returns it. */
function shapedAsTypeOrm(raw: PgResult, structured: boolean): unknown {
  const result = new QueryResult();
  result.records = raw.rows;
  result.affected = raw.rowCount ?? undefined;
  // As TypeORM: an UPDATE or DELETE answers its rows and how many it touched.
  result.raw = raw.command === 'DELETE' || raw.command === 'UPDATE' ? [raw.rows, raw.rowCount] : raw.rows;
  return structured ? result : result.raw;
}
