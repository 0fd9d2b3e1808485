import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { InFlightRequests } from './in-flight-requests';

/**
 * On shutdown (SIGTERM from Kubernetes or App Service), before Nest closes the database and Redis:
 * stop accepting connections, report not-ready, let in-flight requests finish within the drain
 * budget, then cut whatever is left. Nest's own `close()` would tear down providers first.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly inFlight: InFlightRequests,
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(GracefulShutdown.name);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) {
      await this.inFlight.drain(0);
      return;
    }
    this.logger.info({ signal, inFlight: this.inFlight.size }, 'Shutting down: draining in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const { finished, remaining } = await this.inFlight.drain(this.config.http.shutdownDrainMs);
    if (!finished) this.logger.warn({ remaining }, 'Drain budget exhausted; closing remaining connections');
    server.closeAllConnections();
    await closed;
  }
}
