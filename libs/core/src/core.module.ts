import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import { ConfigModule } from './config/config.module';
import { FlowgateConfig } from './config/flowgate-config';
import { DatabaseModule } from './database/database.module';
import { ProblemTypes } from './errors/problem-types';
import { ProblemTypesController } from './errors/problem-types.controller';
import { HttpPipelineModule } from './http/http-pipeline.module';
import { InFlightRequestsMiddleware } from './http/in-flight-requests.middleware';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { RequestIdMiddleware } from './http/request-id.middleware';
import { RequestTimeoutMiddleware } from './http/request-timeout.middleware';
import { HttpMetricsMiddleware } from './observability/http-metrics.middleware';
import { ObservabilityModule } from './observability/observability.module';
import { RedisModule } from './redis/redis.module';

export interface CoreModuleOptions {
  /** Where log lines go; stdout when absent. Tests pass a stream to assert on logs. */
  readonly logDestination?: DestinationStream;
}

/**
 * Cross-cutting infrastructure with no business words: configuration, the HTTP pipeline,
 * PostgreSQL, Redis, logs, metrics and health. The app module imports it once.
 */
@Module({})
export class CoreModule implements NestModule {
  static forRoot(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        HttpPipelineModule,
        ObservabilityModule.forRoot(options.logDestination),
        DatabaseModule,
        RedisModule,
      ],
      controllers: [ProblemTypesController],
      providers: [ProblemTypes],
      exports: [DatabaseModule],
    };
  }

  /** Order matters: the id comes first so that everything after it (even a 404) can quote it. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        RequestIdMiddleware,
        HttpMetricsMiddleware,
        InFlightRequestsMiddleware,
        RequestTimeoutMiddleware,
        helmet(),
        JsonBodyMiddleware,
      )
      .forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
