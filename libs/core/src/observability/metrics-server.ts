import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { fastify, FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { AppError } from '../errors/app-error';
import { ProblemResponder } from '../http/problem-responder';
import { REQUEST_ID_HEADER, requestIdFor } from '../http/request-id';
import { Metrics } from './metrics';
import { metricsScrapeRefusal } from './metrics-access';

/**
 * The listener Prometheus scrapes in production (METRICS_PORT, 9464 by default): `/metrics` and
 * nothing else, on a port the Service, ingress or App Service front end does not route, so the
 * public port never shows metrics. A plain Fastify instance outside Nest's pipeline: no guards,
 * rate limits or request metrics (a scrape is not API traffic), but the same problem responses.
 * Started when the app starts listening (`app.init()`), closed when the app closes.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: FastifyInstance | undefined;
  private readonly responder = new ProblemResponder();

  constructor(
    private readonly config: FlowgateConfig,
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(MetricsServer.name);
  }

  /** `http://host:port` of the listener, once listening; undefined when there is none. */
  get url(): string | undefined {
    const address = this.server?.addresses()[0];
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, bearerToken } = this.config.metrics;
    if (port === undefined || this.server) return;
    const server = fastify({ logger: false, genReqId: requestIdFor });
    server.addHook('onRequest', (request, reply, done) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      reply.header('Cache-Control', 'no-store');
      reply.header('X-Content-Type-Options', 'nosniff');
      done();
    });
    server.get('/metrics', async (request, reply) => {
      const refusal = metricsScrapeRefusal(bearerToken, request.headers.authorization);
      if (refusal) {
        this.responder.send(request, reply, refusal);
        return reply;
      }
      return reply.type(Registry.PROMETHEUS_CONTENT_TYPE).send(await this.metrics.registry.metrics());
    });
    server.setNotFoundHandler((request, reply) => {
      this.responder.send(request, reply, new AppError('route_not_found', 'This port serves GET /metrics only.'));
    });
    server.setErrorHandler((error, request, reply) => {
      this.logger.error({ err: error, requestId: request.id }, 'Unhandled error');
      this.responder.send(request, reply, new AppError('internal_error', 'An unexpected error occurred.'));
    });
    await server.listen({ port, host });
    this.server = server;
    this.logger.info({ url: this.url }, 'Metrics listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}
