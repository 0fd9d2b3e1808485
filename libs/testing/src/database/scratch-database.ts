import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type CoreConfig, dataSourceOptions, loadConfigOverriding, type MigrationList } from '@flowgate/core';

export interface ScratchDatabase {
  readonly dataSource: DataSource;
  /** Core's sections (database, Redis, …); a spec adds the feature section it needs. */
  readonly config: CoreConfig;
  /** Closes the data source and drops the database, whatever was left open on it. */
  drop(): Promise<void>;
}

/**
 * A database of its own for a spec whose data would disturb the run's shared one (hundreds of
 * generated definitions would crowd every other suite's lists; deliberate tampering would break
 * their audit chain): created beside the run's database, migrated, and dropped by `drop()`.
 * `migrations` are the features' whose tables the spec needs (`orderMigrations(...)`; the e2e
 * suite passes the app's `API_MIGRATIONS`): this library never imports the app. `env` overrides
 * settings of the config it comes with, as `createTestApp` does.
 */
export async function createScratchDatabase(
  label: string,
  migrations: MigrationList,
  env: Readonly<Record<string, string>> = {},
): Promise<ScratchDatabase> {
  const base = loadConfigOverriding({});
  const adminUrl = base.database.url!;
  const name = `${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const config = loadConfigOverriding({ ...env, DATABASE_URL: url.toString() });
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const dataSource = new DataSource({ ...dataSourceOptions(config.database, label, migrations), logging: false });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    config,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
