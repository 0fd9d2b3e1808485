import { type ClientBase, Query, type QueryResult } from 'pg';
import { prepareValue } from 'pg/lib/utils';

/** One statement of a pipeline: SQL with `$1…$n` placeholders and their values. */
export interface Statement {
  readonly text: string;
  readonly values?: readonly unknown[];
}

/** The slice of pg's connection a query writes its messages with (not in pg's types). */
interface Connection {
  parse(message: { text: string }): void;
  bind(message: { values: readonly unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string }): void;
  sync(): void;
}

/**
 * Several statements in one round trip: each one's Parse, Bind, Describe and Execute, then a single
 * Sync, written to the socket at once (pg corks the stream around `prepare`). PostgreSQL runs them
 * in order; on the first error it skips the rest up to the Sync, so a later statement never runs
 * after a failed one. Inside a transaction block nothing here changes what commits: a `COMMIT`
 * behind a failed statement is skipped with it, and the transaction is left aborted for the caller
 * to roll back. node-postgres sends one statement per round trip; this is pg's own `Query` with a
 * longer message sequence, so results (one per statement, `Query` splits them at each command),
 * errors and the connection's bookkeeping are pg's own.
 */
class PipelinedQuery extends Query {
  /** What instrumentation (the span's `db.query.text`) and spies see; each statement is sent alone. */
  readonly statements: readonly Statement[];
  private readonly mapped: (Buffer | string | null)[][];

  constructor(statements: readonly Statement[], callback: (error: Error | null, results: unknown) => void) {
    super({ text: statements.map((statement) => statement.text.trim()).join(';\n') });
    this.statements = statements;
    // Converted before a message is written: a value pg cannot convert (a circular object) fails
    // the whole pipeline before anything is sent, not half-way through its messages.
    this.mapped = [];
    try {
      for (const statement of statements)
        this.mapped.push((statement.values ?? []).map((value) => prepareValue(value)));
    } catch (error) {
      this.conversionError = error instanceof Error ? error : new Error(String(error));
    }
    (this as unknown as { callback: typeof callback }).callback = callback;
  }

  private conversionError: Error | undefined;

  requiresPreparation(): boolean {
    return true;
  }

  /** Called by pg's `submit` with the stream corked: every message below leaves in one write. */
  prepare(connection: Connection): void {
    if (this.conversionError) {
      // Nothing of the pipeline was written: the Sync alone brings ReadyForQuery, on which pg's
      // Query reports the error it was cancelled with.
      (this as unknown as { _canceledDueToError: Error })._canceledDueToError = this.conversionError;
      connection.sync();
      return;
    }
    this.statements.forEach((statement, index) => {
      connection.parse({ text: statement.text });
      connection.bind({ values: this.mapped[index] });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    });
    connection.sync();
  }
}

/**
 * Sends `statements` on `client` in one round trip and resolves with each one's result, in order;
 * rejects with the first statement's error (the driver's, as `client.query` would), the rest not
 * run.
 */
export function sendPipelined(client: ClientBase, statements: readonly Statement[]): Promise<QueryResult[]> {
  if (statements.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(statements, (error, results) => {
      if (error) reject(error);
      // pg gives a single result for a single statement, an array for several.
      else resolve(Array.isArray(results) ? (results as QueryResult[]) : [results as QueryResult]);
    });
    client.query(query);
  });
}
