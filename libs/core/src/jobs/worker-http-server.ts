import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { Metrics } from '../observability/metrics';
import { operationsServer, serverUrl } from '../observability/operations-server';
import { WorkerReadiness } from './worker-readiness';

/**
 * The worker's only listener (WORKER_PORT, 3001 by default): `GET /health/live`,
 * `GET /health/ready` and `GET /metrics`, for the orchestrator's probes and Prometheus. The worker
 * serves no API. Started by `listen()` (the worker's `main.ts`; not when the API runs the jobs
 * in-process in development), closed with the app.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationShutdown {
  private server: FastifyInstance | undefined;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly metrics: Metrics,
    private readonly readiness: WorkerReadiness,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(WorkerHttpServer.name);
  }

  get url(): string | undefined {
    return serverUrl(this.server);
  }

  async listen(port = this.config.worker.port, host = this.config.worker.host): Promise<string> {
    if (!this.server) {
      const server = operationsServer({
        metrics: this.metrics,
        bearerToken: this.config.metrics.bearerToken,
        logger: this.logger,
        serves: 'GET /health/live, /health/ready and /metrics',
      });
      server.get('/health/live', () => ({ status: 'ok' }));
      server.get('/health/ready', () => this.readiness.check());
      await server.listen({ port, host });
      this.server = server;
      this.logger.info({ url: this.url }, 'Worker health and metrics listening');
    }
    return this.url!;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}
