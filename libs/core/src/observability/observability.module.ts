import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { DegradedModes } from './degraded-modes';
import { HealthController } from './health.controller';
import { loggerParams } from './logging';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsScrapeGuard } from './metrics-scrape.guard';
import { MetricsServer } from './metrics-server';
import { Readiness } from './readiness';

@Module({})
export class ObservabilityModule {
  /**
   * `logDestination` lets tests capture log lines; production logs to stdout. `/metrics` is a
   * route of the main port only where the configuration says so (not in production by default);
   * the metrics port, when configured, is a listener of its own (`MetricsServer`).
   */
  static forRoot(config: FlowgateConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: ObservabilityModule,
      // Global: feature libraries register their own metrics on the one registry.
      global: true,
      imports: [
        LoggerModule.forRootAsync({
          inject: [FlowgateConfig],
          useFactory: (config: FlowgateConfig) => loggerParams(config, logDestination),
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, ...(config.metrics.onMainPort ? [MetricsController] : [])],
      providers: [Metrics, MetricsServer, MetricsScrapeGuard, Readiness, DegradedModes],
      exports: [Metrics, MetricsServer, DegradedModes],
    };
  }
}
