// First: jest maps the @flowgate/* aliases for test files but not for this set-up, and the
// composition root's migration list below imports the feature libraries by alias.
import './register-aliases';
import { DataSource } from 'typeorm';
import { API_MIGRATIONS } from '../../apps/api/src/migrations';
import { dataSourceOptions, loadConfig } from '../../libs/core/src';

/**
 * Brings this run's fresh database to the latest schema once, before any test file starts, so
 * parallel workers never race to run migrations. The list is the app's own (every feature's).
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  if (config.app.environment !== 'test' || !config.database.url) {
    throw new Error('Run the tests with `npm test`: it provides the database and Redis for the run.');
  }
  const dataSource = new DataSource(dataSourceOptions(config.database, 'flowgate-test-setup', API_MIGRATIONS));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
