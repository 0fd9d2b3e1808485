import { VersioningOptions, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { FlowgateConfig } from '../config/flowgate-config';
import { Metrics } from '../observability/metrics';
import { observeRequests } from '../observability/request-observer';
import { AllowedMethods } from './allowed-methods';
import { corsOptions } from './cors-options';
import { answerClientError, answerFrameworkError, answerUnmetExpectation } from './framework-errors';
import { installHttpHooks } from './http-hooks';
import { InFlightRequests } from './in-flight-requests';
import { registerJsonBodyParser } from './json-body-parser';
import { ProblemResponder } from './problem-responder';
import { requestIdFor } from './request-id';

/** `/v1/...` in the path. The OpenAPI export applies the same scheme, so paths match. */
export const API_VERSIONING: VersioningOptions = { type: VersioningType.URI };

/**
 * Creates the Nest application on Fastify (ADR 0011) with the settings that cannot be expressed
 * as module providers. Production (`main.ts`) and every test go through here, so tests run the
 * production HTTP pipeline.
 */
export async function createHttpApp(rootModule: unknown, config: FlowgateConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.http.trustProxy,
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: requestIdFor,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Node answers an HTTP/1.1 request without Host with a bare, empty 400 of its own; the check
    // moves to `refuseOnArrival`, which answers it as a problem.
    http: { requireHostHeader: false },
    // Fastify's own logger stays off: nestjs-pino logs, and `observeRequests` writes the access log.
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    // Replaced by `registerJsonBodyParser`, which turns every body failure into a precise problem.
    bodyParser: false,
    bufferLogs: true,
    // Fail with an exception (and a clear log line) rather than `process.abort()`.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.server.on('checkExpectation', answerUnmetExpectation);
  registerJsonBodyParser(fastify, { maxDepth: config.http.maxJsonDepth });
  installHttpHooks(adapter, {
    config,
    allowedMethods: app.get(AllowedMethods),
    inFlight: app.get(InFlightRequests),
    responder: app.get(ProblemResponder),
  });
  observeRequests(fastify, app.get(Metrics), await app.resolve(PinoLogger));
  app.enableVersioning(API_VERSIONING);
  app.enableCors(corsOptions(config.http.corsOrigins));
  return app;
}
