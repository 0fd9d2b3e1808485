import { VersioningOptions, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { FlowgateConfig } from '../config/flowgate-config';

/** `/v1/...` in the path. The OpenAPI export applies the same scheme, so paths match. */
export const API_VERSIONING: VersioningOptions = { type: VersioningType.URI };

/** Headers a browser client may read from cross-origin responses. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'ETag',
  'Location',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'Idempotent-Replayed',
];

/**
 * Creates the Express-based Nest application with the settings that cannot be expressed as
 * module providers. Production (`main.ts`) and every test go through here, so tests run the
 * production HTTP pipeline.
 */
export async function createHttpApp(rootModule: unknown, config: FlowgateConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, {
    // Replaced by JsonBodyMiddleware, which turns every body failure into a precise problem.
    bodyParser: false,
    bufferLogs: true,
    // Fail with an exception (and a clear log line) rather than `process.abort()`.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.disable('etag'); // resources compute strong ETags themselves; Express's weak ones would mislead
  app.enableVersioning(API_VERSIONING);
  app.enableCors({
    origin: config.http.corsOrigins,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  return app;
}
