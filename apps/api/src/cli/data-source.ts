import { loadConfig, migrationCliDataSource } from '@flowgate/core';
import { API_MIGRATIONS } from '../migrations';

/** Entry point for the TypeORM CLI (`npm run migration:*`), run compiled from `dist/`. */
const config = loadConfig();
export default migrationCliDataSource(config.database, config.app.serviceName, API_MIGRATIONS);
