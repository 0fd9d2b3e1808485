import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';
import { API_MIGRATIONS } from '../migrations';
import { runPendingMigrations } from './run-migrations';

describe('runPendingMigrations (the release step of a deployment)', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    // An empty database: nothing migrated yet, as on a first deployment.
    scratch = await createScratchDatabase('migrate_cli', []);
  });

  afterAll(async () => {
    await scratch.drop();
  });

  it('runs every migration of the API in order on an empty database, then none on a second run', async () => {
    const first = await runPendingMigrations(scratch.config);
    const second = await runPendingMigrations(scratch.config);

    expect(first).toEqual(API_MIGRATIONS.map((migration) => migration.name));
    expect(second).toEqual([]);
    const [{ count }] = await scratch.dataSource.query<{ count: string }[]>('SELECT count(*) AS count FROM migrations');
    expect(Number(count)).toBe(API_MIGRATIONS.length);
  });
});
