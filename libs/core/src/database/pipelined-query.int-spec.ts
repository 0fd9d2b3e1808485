import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../config/load-config';
import { sendPipelined } from './pipelined-query';

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
});
