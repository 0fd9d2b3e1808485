import type { ClientBase, QueryResult as PgResult } from 'pg';
import { QueryFailedError, type QueryRunner, QueryResult, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { sendPipelined, type Statement } from './pipelined-query';

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
 *   errors show later, on the statement that carried them (and fail the unit as any error does).
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
      if (!this.begun) {
        this.opening = [];
        return nothingFrom(structured);
      }
      return this.plainQuery(sql, parameters, structured);
    }
    if (sql === 'COMMIT') return this.commit(structured);
    if (this.opening.length === 0 && this.held.length === 0) return this.plainQuery(sql, parameters, structured);
    const results = await this.sendWithPending({ text: sql, values: parameters });
    return shapedAsTypeOrm(results[results.length - 1], structured);
  }

  private async commit(structured: boolean): Promise<unknown> {
    if (!this.begun && this.held.length === 0) {
      this.opening = [];
      return nothingFrom(structured);
    }
    const results = await this.sendWithPending({ text: 'COMMIT' });
    const outcome = results[results.length - 1];
    if (outcome.command !== 'COMMIT') {
      throw new QueryFailedError(
        'COMMIT',
        [],
        new Error(`the transaction had failed: COMMIT ended in ${outcome.command}`),
      );
    }
    return shapedAsTypeOrm(outcome, structured);
  }

  /** `statement` with the opening and the held writes in front of it, in one round trip. */
  private async sendWithPending(statement: Statement): Promise<PgResult[]> {
    // As TypeORM's own `query`: a runner whose connection failed was released, and says so, rather
    // than sending on a client that is no longer queryable.
    if (this.runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const statements = [...this.opening, ...this.held, statement];
    // Sent, whatever comes back: a failure leaves an aborted transaction to roll back, not writes
    // to send again.
    this.opening = [];
    this.held = [];
    this.begun = true;
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
