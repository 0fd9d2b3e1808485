import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { DatabaseModule } from '../database/database.module';
import { HttpPipelineModule } from '../http/http-pipeline.module';
import { RedisModule } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { FlushLogsOnShutdown } from './log-destination';
import { loggerParams } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { MetricsScrapeGuard } from './metrics-scrape.guard';
import { MetricsServer } from './metrics-server';
import { Readiness } from './readiness';

@Module({})
export class ObservabilityModule {
  /**
   * `logDestination` lets tests capture log lines; production logs to stdout. `/metrics` is a
   * route of the main port only where the configuration says so (not in production by default);
   * the metrics port, when configured, is a listener of its own (`MetricsServer`). Imported once,
   * by `CoreModule`; the registry that features feed is `MetricsModule`.
   */
  static forRoot(config: FlowgateConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [FlowgateConfig],
          useFactory: (config: FlowgateConfig) => loggerParams(config, logDestination),
        }),
        TerminusModule.forRoot({ logger: false }),
        MetricsModule,
        // Readiness: Redis's health, and the in-flight count that says whether the instance drains.
        RedisModule,
        HttpPipelineModule,
        // Readiness: the read replica's state, when one is configured.
        DatabaseModule,
      ],
      controllers: [HealthController, ...(config.metrics.onMainPort ? [MetricsController] : [])],
      providers: [MetricsServer, MetricsScrapeGuard, Readiness, FlushLogsOnShutdown],
      exports: [MetricsServer],
    };
  }
}
