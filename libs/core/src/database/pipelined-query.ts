import { type ClientBase, Query, type QueryResult } from 'pg';
import { prepareValue } from 'pg/lib/utils';

/**
 * One statement of a pipeline: SQL with `$1…$n` placeholders and their values; with a `name`, a
 * prepared statement of that name (see `preparedStatement`).
 */
export interface Statement {
  readonly text: string;
  readonly values?: readonly unknown[];
  readonly name?: string;
}

/** The slice of pg's connection a query writes its messages with (not in pg's types). */
interface Connection {
  /** pg's own record of the named statements parsed on this connection: name → text. */
  parsedStatements: Record<string, string>;
  parse(message: { text: string; name?: string }): void;
  bind(message: { statement?: string; values: readonly unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string }): void;
  close(message: { type: 'S'; name: string }): void;
  sync(): void;
}

/** Names by SQL text: the statements worth preparing once per connection (`preparedStatement`). */
const preparedNames = new Map<string, string>();

/**
 * Marks `text` as a statement to prepare, under `name`, when a pipeline sends it: each connection
 * then parses and plans it once, and afterwards sends only its name and values. For the hot
 * statements of a unit of work, whose text is long (a transition's lock and step are a few kB
 * each): pg would otherwise write the whole text, and PostgreSQL parse and plan it, on every
 * call. Returns `text`, for `const SQL = preparedStatement('name', \`…\`)`. A name is taken once,
 * for one text, and is never used by pg's own prepared queries (`{ name }` on `pool.query`): a
 * pipeline's Parse failing half-way leaves pg's record of that name unreliable. Register constant
 * texts only: every one becomes a prepared statement on every connection that sends it.
 */
export function preparedStatement(name: string, text: string): string {
  const taken = [...preparedNames].find(([other, otherName]) => otherName === name && other !== text);
  if (taken) throw new Error(`The prepared statement name ${name} is taken by another text`);
  preparedNames.set(text, name);
  return text;
}

/**
 * Per connection, the names whose Parse was sent in a pipeline that then failed: PostgreSQL may
 * or may not have run it (it skips the rest of a pipeline after an error), so the next Parse of
 * the name is preceded by a Close (closing an absent statement is not an error).
 */
const unsureNames = new WeakMap<Connection, Set<string>>();

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
  /** The named statements this pipeline parses, with their texts, and the connection it is on. */
  private parsing: { readonly name: string; readonly text: string }[] = [];
  private connection: Connection | undefined;

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
    (this as unknown as { callback: typeof callback }).callback = (error, results) => {
      this.settleNames(!error);
      callback(error, results);
    };
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
    this.connection = connection;
    const unsure = unsureNames.get(connection);
    this.statements.forEach((statement, index) => {
      const name = statement.name ?? preparedNames.get(statement.text);
      if (name === undefined) {
        connection.parse({ text: statement.text });
      } else if (
        connection.parsedStatements[name] !== statement.text &&
        !this.parsing.some((parsed) => parsed.name === name) // twice in one pipeline: parsed by the first
      ) {
        if (unsure?.has(name)) connection.close({ type: 'S', name });
        connection.parse({ text: statement.text, name });
        this.parsing.push({ name, text: statement.text });
      }
      connection.bind({ statement: name, values: this.mapped[index] });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    });
    connection.sync();
  }

  /** Records what became of the Parse messages of named statements (see `unsureNames`). */
  private settleNames(succeeded: boolean): void {
    const connection = this.connection;
    if (!connection || this.parsing.length === 0) return;
    let unsure = unsureNames.get(connection);
    for (const { name, text } of this.parsing) {
      if (succeeded) {
        connection.parsedStatements[name] = text;
        unsure?.delete(name);
      } else {
        if (!unsure) unsureNames.set(connection, (unsure = new Set()));
        unsure.add(name);
      }
    }
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
