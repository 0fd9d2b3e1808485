import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../config/load-config';
import { preparedStatement, sendPipelined } from './pipelined-query';

describe('sendPipelined (real PostgreSQL)', () => {
  let client: Client;
  const table = `pipeline_probe_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    client = new Client({ connectionString: loadConfig().database.url });
    await client.connect();
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, doc jsonb)`);
  });

  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  /**
   * The socket writes made while `work` runs: pg writes each protocol message to the stream, which,
   * corked, hands them to the socket together (`_writev`), else one by one (`_write`).
   */
  async function writesOf(work: () => Promise<unknown>): Promise<number> {
    type Writes = { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    const stream = (client as unknown as { connection: { stream: Writes } }).connection.stream;
    const single = jest.spyOn(stream, '_write');
    const gathered = jest.spyOn(stream, '_writev');
    try {
      await work();
      return single.mock.calls.length + gathered.mock.calls.length;
    } finally {
      single.mockRestore();
      gathered.mockRestore();
    }
  }

  it('runs the statements in order and gives each its own result, converting values as pg does', async () => {
    const results = await sendPipelined(client, [
      { text: 'START TRANSACTION' },
      { text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [1, { list: [1, 2], at: 'x' }] },
      { text: `SELECT id, doc, $1::timestamptz AS at FROM ${table} WHERE id = $2`, values: [new Date(0), 1] },
      { text: 'COMMIT' },
    ]);
    expect(results.map((result) => result.command)).toEqual(['START', 'INSERT', 'SELECT', 'COMMIT']);
    expect(results[1].rowCount).toBe(1);
    expect(results[2].rows).toEqual([{ id: 1, doc: { list: [1, 2], at: 'x' }, at: new Date(0) }]);
    // Committed: another session sees the row.
    const other = new Client({ connectionString: loadConfig().database.url });
    await other.connect();
    try {
      expect((await other.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 1`)).rows).toEqual([{ n: 1 }]);
    } finally {
      await other.end();
    }
  });

  it('sends the whole pipeline in one socket write (one round trip)', async () => {
    const writes = await writesOf(() =>
      sendPipelined(client, [{ text: 'SELECT 1' }, { text: 'SELECT $1::int', values: [2] }, { text: 'SELECT 3' }]),
    );
    // pg corks the stream: the messages of all three statements leave together.
    expect(writes).toBe(1);
  });

  it('stops at the first failing statement: the rest do not run, and a COMMIT behind it is skipped', async () => {
    await expect(
      sendPipelined(client, [
        { text: 'START TRANSACTION' },
        { text: `INSERT INTO ${table} VALUES (2, null)` },
        { text: `INSERT INTO ${table} VALUES (1, null)` }, // duplicate key
        { text: `INSERT INTO ${table} VALUES (3, null)` },
        { text: 'COMMIT' },
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    // The transaction is still open and aborted: nothing committed until the caller rolls back.
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    expect((await client.query(`SELECT id FROM ${table} ORDER BY id`)).rows).toEqual([{ id: 1 }]);
  });

  it('fails before sending anything when a value cannot be converted, and the connection stays usable', async () => {
    const circular: { toPostgres: () => unknown } = { toPostgres: () => circular };
    const writes = await writesOf(() =>
      expect(
        sendPipelined(client, [
          { text: `INSERT INTO ${table} VALUES (4, null)` },
          { text: 'SELECT $1::text', values: [circular] },
        ]),
      ).rejects.toThrow(/circular/),
    );
    expect(writes).toBe(1); // the Sync alone
    expect((await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 4`)).rows).toEqual([{ n: 0 }]);
  });

  it('resolves with a single statement, and with none without a round trip', async () => {
    expect((await sendPipelined(client, [{ text: 'SELECT $1::int AS n', values: [7] }]))[0].rows).toEqual([{ n: 7 }]);
    expect(await writesOf(() => sendPipelined(client, []))).toBe(0);
  });

  describe('prepared statements (preparedStatement)', () => {
    /** A text of its own, registered under a name of its own, for each test. */
    const registered = () => {
      const tag = randomUUID().replace(/-/g, '').slice(0, 12);
      const name = `spec.${tag}`;
      return { name, text: preparedStatement(name, `SELECT $1::int + 1 AS n, '${tag}' AS tag`) };
    };
    const preparedOnServer = async (name: string) =>
      (await client.query(`SELECT statement FROM pg_prepared_statements WHERE name = $1`, [name])).rows.length;
    /** The bytes written to the socket while `work` runs. */
    async function bytesOf(work: () => Promise<unknown>): Promise<number> {
      const socket = (client as unknown as { connection: { stream: { bytesWritten: number } } }).connection.stream;
      const before = socket.bytesWritten;
      await work();
      return socket.bytesWritten - before;
    }

    it('parses a registered text once per connection; later pipelines send its name and values only', async () => {
      const { name, text } = registered();
      const send = (n: number) => sendPipelined(client, [{ text: 'SELECT 0' }, { text, values: [n] }]);
      const first = await bytesOf(async () => expect((await send(1))[1].rows[0].n).toBe(2));
      expect(await preparedOnServer(name)).toBe(1);
      const second = await bytesOf(async () => expect((await send(41))[1].rows[0].n).toBe(42));
      expect(first - second).toBeGreaterThanOrEqual(text.length);
    });

    it('parses it once when it comes twice in one pipeline', async () => {
      const { name, text } = registered();
      const results = await sendPipelined(client, [
        { text, values: [1] },
        { text, values: [2] },
      ]);
      expect(results.map((result) => Number(result.rows[0].n))).toEqual([2, 3]);
      expect(await preparedOnServer(name)).toBe(1);
    });

    it('prepares it again after a pipeline failed before its Parse ran', async () => {
      const { name, text } = registered();
      await expect(sendPipelined(client, [{ text: 'SELECT 1 / 0' }, { text, values: [1] }])).rejects.toMatchObject({
        code: '22012',
      });
      expect(await preparedOnServer(name)).toBe(0);
      expect((await sendPipelined(client, [{ text, values: [2] }]))[0].rows[0].n).toBe(3);
      expect(await preparedOnServer(name)).toBe(1);
    });

    it('prepares it again after a pipeline failed behind its Parse (the old one closed first)', async () => {
      const { name, text } = registered();
      await expect(sendPipelined(client, [{ text, values: [1] }, { text: 'SELECT 1 / 0' }])).rejects.toMatchObject({
        code: '22012',
      });
      // PostgreSQL kept the statement, but the pipeline's failure left that unknown to the client.
      expect(await preparedOnServer(name)).toBe(1);
      expect((await sendPipelined(client, [{ text, values: [5] }]))[0].rows[0].n).toBe(6);
      expect((await sendPipelined(client, [{ text, values: [6] }]))[0].rows[0].n).toBe(7);
    });

    it('refuses a name already taken by another text', () => {
      const { name } = registered();
      expect(() => preparedStatement(name, 'SELECT 2')).toThrow(/taken/);
    });
  });
});
