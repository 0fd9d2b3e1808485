import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config';
import { dataSourceOptions } from './data-source-options';
import type { MigrationList } from './migrations';

/**
 * The data source of the TypeORM CLI (`npm run migration:*`), which runs the composition root's
 * `apps/api/src/cli/data-source.ts` compiled from `dist/` (no ts-node in the toolchain or the
 * image). Entities are found by file pattern so that this core file need not import any feature
 * library; migrations come from the caller, which assembled every feature's list.
 */
export function migrationCliDataSource(
  database: DatabaseConfig,
  serviceName: string,
  migrations: MigrationList,
): DataSource {
  return new DataSource({
    ...dataSourceOptions(database, `${serviceName}-cli`, migrations),
    migrationsRun: false,
    entities: [join(__dirname, '../../../*/src/**/*.entity.{js,ts}')],
  });
}
