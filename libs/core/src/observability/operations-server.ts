import { fastify, FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { AppError } from '../errors/app-error';
import { ProblemResponder } from '../http/problem-responder';
import { REQUEST_ID_HEADER, requestIdFor } from '../http/request-id';
import type { Metrics } from './metrics';
import { metricsScrapeRefusal } from './metrics-access';

export interface OperationsServerOptions {
  readonly metrics: Metrics;
  /** METRICS_BEARER_TOKEN: when set, a scrape must present it. */
  readonly bearerToken: string | undefined;
  readonly logger: PinoLogger;
  /** What the 404 says this port serves. */
  readonly serves: string;
}

/**
 * A plain Fastify listener for operators, outside Nest's pipeline (no guards, rate limits or
 * request metrics: a scrape or a probe is not API traffic) but with the same problem responses:
 * `GET /metrics` (behind the metrics token when one is set) and whatever routes the caller adds.
 * The API's metrics port and the worker's health-and-metrics port are both one of these.
 */
export function operationsServer(options: OperationsServerOptions): FastifyInstance {
  const responder = new ProblemResponder();
  const server = fastify({ logger: false, genReqId: requestIdFor });
  server.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    done();
  });
  server.get('/metrics', async (request, reply) => {
    const refusal = metricsScrapeRefusal(options.bearerToken, request.headers.authorization);
    if (refusal) {
      responder.send(request, reply, refusal);
      return reply;
    }
    return reply.type(Registry.PROMETHEUS_CONTENT_TYPE).send(await options.metrics.registry.metrics());
  });
  server.setNotFoundHandler((request, reply) => {
    responder.send(request, reply, new AppError('route_not_found', `This port serves ${options.serves} only.`));
  });
  server.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      responder.send(request, reply, error);
      return;
    }
    options.logger.error({ err: error, requestId: request.id }, 'Unhandled error');
    responder.send(request, reply, new AppError('internal_error', 'An unexpected error occurred.'));
  });
  return server;
}

/** `http://host:port` of a listening server; undefined before it listens. */
export function serverUrl(server: FastifyInstance | undefined): string | undefined {
  const address = server?.addresses()[0];
  if (!address) return undefined;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
