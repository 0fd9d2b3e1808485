import { type CoreConfig, migrationCliDataSource } from '@flowgate/core';
import { API_MIGRATIONS } from '../migrations';

/**
 * Runs every pending migration, each in its own transaction, and returns the names it ran (none
 * when the schema is current, so a release step may run it twice). The release step's command
 * (`cli/migrate.ts`), because production never migrates on start: replicas starting together
 * would race on the schema (docs/deployment.md, "Migrations: a release step").
 */
export async function runPendingMigrations(config: CoreConfig): Promise<string[]> {
  const dataSource = migrationCliDataSource(config.database, config.app.serviceName, API_MIGRATIONS);
  await dataSource.initialize();
  try {
    // 'each': a failing migration leaves the ones before it applied, and says which one failed.
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
