import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ConfigModule } from './config/config.module';
import { FlowgateConfig } from './config/flowgate-config';
import { DatabaseModule } from './database/database.module';
import type { MigrationList } from './database/migrations';
import { ProblemTypes } from './errors/problem-types';
import { ProblemTypesController } from './errors/problem-types.controller';
import { HttpPipelineModule } from './http/http-pipeline.module';
import { ObservabilityModule } from './observability/observability.module';
import { RedisModule } from './redis/redis.module';

export interface CoreModuleOptions {
  /** Where log lines go; stdout when absent. Tests pass a stream to assert on logs. */
  readonly logDestination?: DestinationStream;
  /** Every feature's migrations, in order (the composition root's list); none when absent. */
  readonly migrations?: MigrationList;
}

/**
 * Cross-cutting infrastructure with no business words: configuration, the HTTP pipeline,
 * PostgreSQL, Redis, logs, metrics and health. The app module imports it once.
 */
@Module({})
export class CoreModule {
  static forRoot(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        HttpPipelineModule,
        ObservabilityModule.forRoot(config, options.logDestination),
        DatabaseModule.forRoot(options.migrations ?? []),
        RedisModule,
      ],
      controllers: [ProblemTypesController],
      providers: [ProblemTypes],
      exports: [DatabaseModule],
    };
  }
}
