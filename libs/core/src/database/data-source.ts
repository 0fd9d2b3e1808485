import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

/**
 * Entry point for the TypeORM CLI (`npm run migration:*`). Entities are found by file pattern so
 * that this core file need not import any feature library.
 */
const config = loadConfig();
export default new DataSource({
  ...dataSourceOptions(config.database, `${config.app.serviceName}-cli`),
  migrationsRun: false,
  entities: ['libs/*/src/**/*.entity.ts'],
});
