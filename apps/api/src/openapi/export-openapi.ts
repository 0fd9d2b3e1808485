import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { API_VERSIONING, buildOpenApiDocument } from '@flowgate/core';
import { AppModule } from '../app.module';
import { loadApiConfig } from '../config';
import { API_INFO } from './api-info';

/**
 * `npm run openapi`: writes the contract to a file without connecting to anything. Preview mode
 * registers every module, controller and route but instantiates no provider (their factories
 * never run), which is all SwaggerModule reads, so no database or Redis is needed.
 */
async function exportOpenApi(target: string): Promise<void> {
  // Fixed settings rather than the caller's environment: the file must not depend on who runs it.
  const config = loadApiConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://openapi@localhost/openapi' });
  const app = await NestFactory.create(AppModule.register(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  // Paths depend on the versioning scheme: the same one createHttpApp applies.
  app.enableVersioning(API_VERSIONING);
  const document = buildOpenApiDocument(app, API_INFO, config.traffic);
  await app.close();
  writeFileSync(resolve(target), `${JSON.stringify(document, null, 2)}\n`);
}

exportOpenApi(process.argv[2] ?? 'openapi.json').catch((error: unknown) => {
  process.stderr.write(
    `OpenAPI export failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
