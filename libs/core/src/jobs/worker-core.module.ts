import { DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigModule } from '../config/config.module';
import { FlowgateConfig } from '../config/flowgate-config';
import { DatabaseModule } from '../database/database.module';
import { FlushLogsOnShutdown } from '../observability/log-destination';
import { loggerParams } from '../observability/logging';
import { MetricsModule } from '../observability/metrics.module';
import { RedisModule } from '../redis/redis.module';
import { JobMetrics } from './job-metrics';
import { JobRunner } from './job-runner';
import { WorkerHttpServer } from './worker-http-server';
import { WORKER_JOBS, type WorkerJob } from './worker-job';
import { WorkerReadiness } from './worker-readiness';

export interface WorkerJobList {
  /** The feature modules that provide and export the jobs. */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  /** The jobs, in the order they start. */
  readonly jobs: readonly Type<WorkerJob>[];
}

export interface WorkerCoreOptions {
  /** Where log lines go; stdout when absent. */
  readonly logDestination?: DestinationStream;
}

/**
 * The worker's infrastructure, as `CoreModule` is the API's: configuration, logs, metrics,
 * PostgreSQL and Redis, the job runner fed the composition root's list (`WORKER_JOBS`), and the
 * health-and-metrics listener. No HTTP pipeline: the worker serves no API. It runs no migrations
 * either (the API's start-up or the release step does).
 */
@Module({})
export class WorkerCoreModule {
  static forRoot(config: FlowgateConfig, list: WorkerJobList, options: WorkerCoreOptions = {}): DynamicModule {
    return {
      module: WorkerCoreModule,
      imports: [
        ConfigModule.forRoot(config, []),
        LoggerModule.forRootAsync({
          inject: [FlowgateConfig],
          useFactory: (flowgate: FlowgateConfig) => loggerParams(flowgate, options.logDestination),
        }),
        TerminusModule.forRoot({ logger: false }),
        MetricsModule,
        DatabaseModule,
        RedisModule,
        ...list.imports,
      ],
      providers: [
        { provide: WORKER_JOBS, inject: [...list.jobs], useFactory: (...jobs: WorkerJob[]) => jobs },
        JobMetrics,
        JobRunner,
        WorkerReadiness,
        FlushLogsOnShutdown,
        WorkerHttpServer,
      ],
      exports: [JobRunner, WorkerHttpServer],
    };
  }
}
