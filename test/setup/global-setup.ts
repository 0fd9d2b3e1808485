import { dataSourceOptions, loadConfig } from '../../libs/core/src';
import { DataSource } from 'typeorm';

/**
 * Brings this run's fresh database to the latest schema once, before any test file starts, so
 * parallel workers never race to run migrations.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  if (config.app.environment !== 'test' || !config.database.url) {
    throw new Error('Run the tests with `npm test`: it provides the database and Redis for the run.');
  }
  const dataSource = new DataSource(dataSourceOptions(config.database, 'flowgate-test-setup'));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
