import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

/**
 * Entry point for the TypeORM CLI (`npm run migration:*`), which runs it compiled from `dist/`
 * (no ts-node in the toolchain or the image). Entities are found by file pattern so that this
 * core file need not import any feature library.
 */
const config = loadConfig();
export default new DataSource({
  ...dataSourceOptions(config.database, `${config.app.serviceName}-cli`),
  migrationsRun: false,
  entities: [join(__dirname, '../../../*/src/**/*.entity.{js,ts}')],
});
