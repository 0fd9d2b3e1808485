import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { Metrics } from './metrics';
import { operationsServer, serverUrl } from './operations-server';

/**
 * The listener Prometheus scrapes in production (METRICS_PORT, 9464 by default): `/metrics` and
 * nothing else, on a port the Service, ingress or App Service front end does not route, so the
 * public port never shows metrics. Started when the app starts listening (`app.init()`), closed
 * when the app closes.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: FastifyInstance | undefined;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(MetricsServer.name);
  }

  /** `http://host:port` of the listener, once listening; undefined when there is none. */
  get url(): string | undefined {
    return serverUrl(this.server);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, bearerToken } = this.config.metrics;
    if (port === undefined || this.server) return;
    const server = operationsServer({
      metrics: this.metrics,
      bearerToken,
      logger: this.logger,
      serves: 'GET /metrics',
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
