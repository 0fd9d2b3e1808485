import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import { preparedStatement, sendPipelined, type Statement } from './pipelined-query';

/**
 * The protocol messages a pipeline writes, and what it records of named statements, with pg's
 * connection replaced by a recorder. What PostgreSQL does with them is
 * pipelined-query.int-spec.ts's, against the real server.
 */
describe('sendPipelined: the messages it writes', () => {
  /** A pg connection that records the messages written to it, by their first letters. */
  function recordingConnection() {
    const written: string[] = [];
    return {
      written,
      parsedStatements: {} as Record<string, string>,
      submittedNamedStatements: {} as Record<string, string>,
      stream: { cork: () => undefined, uncork: () => undefined },
      parse: (message: { name?: string }) => written.push(message.name ? `Parse ${message.name}` : 'Parse'),
      bind: (message: { statement?: string }) => written.push(message.statement ? `Bind ${message.statement}` : 'Bind'),
      describe: () => written.push('Describe'),
      execute: () => written.push('Execute'),
      close: (message: { name: string }) => written.push(`Close ${message.name}`),
      sync: () => written.push('Sync'),
    };
  }
  type Recorder = ReturnType<typeof recordingConnection>;
  /** The server's answer to a pipeline: all of it ran, or it failed (at some statement). */
  type Outcome = 'ran' | 'failed';

  /** A client that submits the pipeline to `connection`, then answers it as `outcome` says. */
  function clientOn(connection: Recorder, outcome: Outcome): ClientBase {
    type Submittable = {
      submit(connection: Recorder): Error | null;
      handleReadyForQuery(connection: Recorder): void;
      handleError(error: Error, connection: Recorder): void;
    };
    return {
      query: (query: Submittable) => {
        query.submit(connection);
        if (outcome === 'ran') query.handleReadyForQuery(connection);
        else query.handleError(new Error('the server refused a statement'), connection);
      },
    } as unknown as ClientBase;
  }

  const send = (connection: Recorder, statements: Statement[], outcome: Outcome = 'ran') => {
    connection.written.length = 0;
    return sendPipelined(clientOn(connection, outcome), statements);
  };

  /** A text of its own under a name of its own. */
  const registered = () => {
    const name = `unit.${randomUUID()}`;
    return { name, text: preparedStatement(name, `SELECT '${name}'`) };
  };

  it('writes each statement’s Parse, Bind, Describe and Execute, and one Sync', async () => {
    const connection = recordingConnection();
    await send(connection, [{ text: 'SELECT 1' }, { text: 'SELECT $1::int', values: [2] }]);
    expect(connection.written).toEqual([
      ...['Parse', 'Bind', 'Describe', 'Execute'],
      ...['Parse', 'Bind', 'Describe', 'Execute'],
      'Sync',
    ]);
  });

  it('parses a registered text under its name once per connection, then binds the name alone', async () => {
    const connection = recordingConnection();
    const { name, text } = registered();
    await send(connection, [{ text }]);
    expect(connection.written).toEqual([`Parse ${name}`, `Bind ${name}`, 'Describe', 'Execute', 'Sync']);
    expect(connection.parsedStatements[name]).toBe(text);

    await send(connection, [{ text }, { text: 'SELECT 1' }]);
    expect(connection.written).toEqual([
      `Bind ${name}`,
      'Describe',
      'Execute',
      'Parse',
      'Bind',
      'Describe',
      'Execute',
      'Sync',
    ]);
    // Another connection has not prepared it.
    const other = recordingConnection();
    await send(other, [{ text }]);
    expect(other.written[0]).toBe(`Parse ${name}`);
  });

  it('parses a name once when it comes twice in one pipeline', async () => {
    const connection = recordingConnection();
    const { name, text } = registered();
    await send(connection, [{ text }, { text }]);
    expect(connection.written.filter((message) => message.startsWith('Parse'))).toEqual([`Parse ${name}`]);
    expect(connection.written.filter((message) => message.startsWith('Bind'))).toEqual([
      `Bind ${name}`,
      `Bind ${name}`,
    ]);
  });

  it('after a failed pipeline, closes the name before parsing it again, and only until that succeeds', async () => {
    const connection = recordingConnection();
    const { name, text } = registered();
    await expect(send(connection, [{ text }], 'failed')).rejects.toThrow('refused');
    expect(connection.parsedStatements[name]).toBeUndefined();

    await send(connection, [{ text }]);
    expect(connection.written.slice(0, 2)).toEqual([`Close ${name}`, `Parse ${name}`]);
    await send(connection, [{ text }]);
    expect(connection.written[0]).toBe(`Bind ${name}`);
  });

  it('writes nothing but the Sync when a value cannot be converted', async () => {
    const connection = recordingConnection();
    const circular: { toPostgres: () => unknown } = { toPostgres: () => circular };
    await expect(send(connection, [{ text: 'SELECT $1::text', values: [circular] }], 'ran')).rejects.toThrow(
      /circular/,
    );
    expect(connection.written).toEqual(['Sync']);
  });

  it('sends nothing for no statements', async () => {
    const connection = recordingConnection();
    expect(await send(connection, [])).toEqual([]);
    expect(connection.written).toEqual([]);
  });

  it('keeps a name for one text: registering the same pair again is fine, another text is refused', () => {
    const { name, text } = registered();
    expect(preparedStatement(name, text)).toBe(text);
    expect(() => preparedStatement(name, 'SELECT 2')).toThrow(/taken by another text/);
  });
});
