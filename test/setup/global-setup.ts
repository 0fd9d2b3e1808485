// First: jest maps the @flowgate/* aliases for test files but not for this set-up, and the
// composition root's migration list below imports the feature libraries by alias.
import './register-aliases';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { API_MIGRATIONS } from '../../apps/api/src/migrations';
import { dataSourceOptions, loadConfig } from '../../libs/core/src';

/**
 * Brings this run's fresh database to the latest schema once, before any test file starts, so
 * parallel workers never race to run migrations (the list is the app's own: every feature's); and
 * builds the SDK package when its build is older than its sources, since the e2e tests import
 * `@flowgate/sdk` through the package's entry.
 */
export default async function globalSetup(): Promise<void> {
  buildSdkIfStale();
  buildInboxPageIfStale();
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

function buildSdkIfStale(): void {
  const script = join(__dirname, '..', '..', 'scripts', 'sdk-build.mjs');
  const build = spawnSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('Building the SDK (npm run sdk:build) failed; see above.');
}

/** The browser tests load the inbox page the API serves from dist/inbox-page. */
function buildInboxPageIfStale(): void {
  const script = join(__dirname, '..', '..', 'scripts', 'build-inbox-page.mjs');
  const build = spawnSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('Building the inbox page (npm run build:inbox) failed; see above.');
}
