import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '@flowgate/core';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { buildOpenApiDocument } from '@flowgate/core';
import { API_INFO } from './api-info';

/**
 * `npm run openapi`: writes the contract to a file without connecting to anything. Preview mode
 * builds the module graph (controllers, routes, DTO metadata) but instantiates no provider, so
 * no database or Redis is needed.
 */
async function exportOpenApi(target: string): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://openapi@localhost/openapi' });
  const app = await NestFactory.create(AppModule.register(config), { preview: true, logger: false, abortOnError: false });
  const document = buildOpenApiDocument(app, API_INFO);
  writeFileSync(resolve(target), `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
}

void exportOpenApi(process.argv[2] ?? 'openapi.json');
