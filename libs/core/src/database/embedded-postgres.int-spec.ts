import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('Embedded PostgreSQL (the zero-configuration development database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-embedded-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts a real server, and keeps its data across a restart', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ port, dataDir }, () => undefined);
    try {
      expect(first.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/flowgate`);
      await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ port, dataDir }, () => undefined);
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
