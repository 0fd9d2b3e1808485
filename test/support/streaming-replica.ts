import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A primary and its streaming replica, both started by the test on free loopback ports. */
export interface StreamingReplicaPair {
  /** A fresh database on the primary (the app migrates it on start). */
  readonly primaryUrl: string;
  /** The same database on the replica (read-only, hot standby). */
  readonly replicaUrl: string;
  /** Stops the replica (fast shutdown); `startReplica` brings it back on the same port. */
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Runs SQL on the replica (e.g. `pg_wal_replay_pause()`), connecting afresh. */
  onReplica<T>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

const DATABASE = 'flowgate_replica_test';
/** Readiness as the server logs it, in English whatever the machine's language (lc_messages=C). */
const READY = /database system is ready to accept (read-only )?connections/;
const START_TIMEOUT_MS = 30_000;

/**
 * Starts a real streaming replica, as production would run one: `initdb` a throw-away primary
 * (trust on loopback only, fsync off: test data), `pg_basebackup -R` a replica from it, and start
 * both with the machine's PostgreSQL programs (/usr/lib/postgresql/<version>/bin). A pair of its
 * own rather than a replica of the shared server on 5432: that server's pg_hba.conf has no
 * replication entry, and copying every other test run's databases would take as long as they are
 * large. As root, the servers run as the `postgres` account (PostgreSQL refuses root).
 *
 * Never skips: any step that fails throws with what to install or check.
 */
export async function startStreamingReplicaPair(): Promise<StreamingReplicaPair> {
  const bin = postgresBin();
  const account = serverAccount();
  const root = mkdtempSync(join(tmpdir(), 'flowgate-replica-'));
  if (account) chownSync(root, account.uid, account.gid);
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const servers: ChildProcess[] = [];
  const run = (program: string, args: string[]) => {
    const result = spawnSync(join(bin, program), args, { ...asAccount(account), encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(
        `${program} failed (exit ${String(result.status)}): ${`${result.stderr}${result.stdout}`.trim()}`,
      );
    }
  };
  const start = async (dataDir: string, port: number) => {
    const server = spawn(
      join(bin, 'postgres'),
      // Test data: fsync off.
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-k',
        root,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'lc_messages=C',
        '-c',
        'fsync=off',
      ],
      { ...asAccount(account), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    servers.push(server);
    process.once('exit', () => server.kill('SIGKILL'));
    await readiness(server, `postgres on port ${port}`);
    return server;
  };
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/${DATABASE}`;
  let replica: ChildProcess | undefined;
  const stopServer = async (server: ChildProcess | undefined) => {
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGINT'); // fast shutdown
    await exited;
  };
  try {
    run('initdb', [`--pgdata=${primaryDir}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
    // wal_level=replica, max_wal_senders and hot_standby are PostgreSQL's defaults; the replication
    // entry for 127.0.0.1 is initdb's (trust here, loopback only).
    await start(primaryDir, primaryPort);
    // --checkpoint=fast: the backup starts at once instead of at the next scheduled checkpoint.
    run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
    ]);
    replica = await start(replicaDir, replicaPort);
    // Created after the backup: it reaches the replica by streaming, as everything after it will.
    await sql(`postgres://postgres@127.0.0.1:${primaryPort}/postgres`, `CREATE DATABASE ${DATABASE}`);
    await waitFor(async () => (await sql(url(replicaPort), 'SELECT 1')).length === 1, 'the replica to stream');
  } catch (error) {
    for (const server of servers) server.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw new Error(`Could not start a PostgreSQL streaming replica for this test: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    stopReplica: () => stopServer(replica),
    startReplica: async () => {
      replica = await start(replicaDir, replicaPort);
    },
    onReplica: <T>(text: string) => sql<T>(url(replicaPort), text),
    stop: async () => {
      for (const server of servers) await stopServer(server);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The newest PostgreSQL under /usr/lib/postgresql with the programs a replica needs. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join(base, version, 'bin');
    if (['initdb', 'postgres', 'pg_basebackup'].every((program) => existsSync(join(bin, program)))) return bin;
  }
  throw new Error(
    `No PostgreSQL server programs (initdb, postgres, pg_basebackup) under ${base}/<version>/bin: ` +
      'install the postgresql package (Debian: apt-get install postgresql).',
  );
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** As root, the `postgres` account (PostgreSQL refuses to run as root); else the caller. */
function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function asAccount(account: Account | undefined) {
  return account ? { uid: account.uid, gid: account.gid, cwd: '/' } : {};
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function readiness(server: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} was not ready within 30 s: ${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
      if (READY.test(output)) {
        clearTimeout(timer);
        server.stderr?.off('data', onData);
        server.stderr?.resume();
        resolve();
      }
    };
    server.stderr?.on('data', onData);
    server.stdout?.resume();
    server.once('error', reject);
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${signal ?? `exit ${String(code)}`}): ${output.trim()}`));
    });
  });
}

async function sql<T = unknown>(connectionString: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const met = await condition().catch(() => false);
    if (met) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
