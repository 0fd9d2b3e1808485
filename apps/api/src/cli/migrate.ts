import { configOrExit, loadConfig, say } from '@flowgate/core';
import { runPendingMigrations } from './run-migrations';

/**
 * `node dist/apps/api/apps/api/src/cli/migrate.js` (`npm run migration:run:prod`): the release
 * step of a deployment, run from the production image, which has neither the Nest CLI nor the
 * TypeORM CLI's TypeScript tooling. Exits 0 when the schema is current, 1 (with the error) when a
 * migration failed; what it ran is on stdout for the deployment log.
 */
async function migrate(): Promise<void> {
  const config = configOrExit(() => loadConfig());
  const ran = await runPendingMigrations(config);
  say(ran.length === 0 ? 'Migrations: the schema is current' : `Migrations: ran ${ran.join(', ')}`);
}

migrate().catch((error: unknown) => {
  process.stderr.write(
    `Migrations failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
