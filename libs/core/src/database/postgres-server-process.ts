import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedPlacement, ServerAccount } from './embedded-postgres-placement';

/** The server's messages in English, whatever the machine's language: readiness is read from them. */
const MESSAGES_LOCALE = 'C';
const READY = 'database system is ready to accept connections';
const STOP_TIMEOUT_MS = 15_000;

export interface Superuser {
  readonly name: string;
  readonly password: string;
}

/**
 * Creates the cluster (`initdb`): UTF-8, C collation (the same on every machine), password
 * authentication for the superuser. The data folder belongs to the account the server runs as.
 */
export async function initialiseCluster(placement: EmbeddedPlacement, superuser: Superuser): Promise<void> {
  const { binaries, dataDir, account } = placement;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (account) chownSync(dataDir, account.uid, account.gid);
  // initdb reads the password from a file; the server's account must be able to read it.
  const passwordFile = join(tmpdir(), `flowgate-pg-password-${randomBytes(8).toString('hex')}`);
  writeFileSync(passwordFile, `${superuser.password}\n`, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  try {
    const initdb = spawn(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${superuser.name}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        `--lc-messages=${MESSAGES_LOCALE}`,
      ],
      spawnOptions(account),
    );
    const { code, output } = await completion(initdb);
    if (code !== 0) throw new Error(`initdb failed (exit ${String(code)}): ${output.trim()}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** A running server, a child of this process: it is stopped when this process exits, however it exits. */
export interface PostgresServerProcess {
  stop(): Promise<void>;
}

/** Starts `postgres` on the cluster and resolves once it accepts connections. */
export async function startServer(placement: EmbeddedPlacement, port: number): Promise<PostgresServerProcess> {
  const { binaries, dataDir, account } = placement;
  const server = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port), '-c', `lc_messages=${MESSAGES_LOCALE}`], {
    ...spawnOptions(account),
    // A process group of its own: Ctrl-C in the terminal reaches this process, which drains its
    // requests and then stops the server, instead of the server stopping under those requests.
    detached: true,
  });
  // A crash or an exit without `stop()` must not leave a server holding the port and the folder.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await readiness(server);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    server.kill('SIGKILL');
    throw error;
  }
  return {
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise<void>((done) => server.once('exit', () => done()));
      // SIGINT is PostgreSQL's "fast" shutdown: open sessions are ended, nothing is lost.
      server.kill('SIGINT');
      const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function spawnOptions(account: ServerAccount | undefined): SpawnOptions {
  return {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Another account may not be able to enter the caller's working directory.
    ...(account ? { uid: account.uid, gid: account.gid, cwd: '/' } : {}),
  };
}

function readiness(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
      if (output.includes(READY)) {
        server.stderr?.off('data', onData);
        server.stderr?.resume();
        resolve();
      }
    };
    server.stderr?.on('data', onData);
    server.stdout?.resume();
    server.once('error', reject);
    server.once('exit', (code, signal) =>
      reject(new Error(`postgres exited before it was ready (${signal ?? `exit ${String(code)}`}): ${output.trim()}`)),
    );
  });
}

function completion(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4_000));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
