import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ConfigModule } from './config/config.module';
import { FlowgateConfig } from './config/flowgate-config';
import type { MigrationList } from './database/migrations';
import { ProblemTypes } from './errors/problem-types';
import { ProblemTypesController } from './errors/problem-types.controller';
import { HttpPipelineModule } from './http/http-pipeline.module';
import { ObservabilityModule } from './observability/observability.module';

export interface CoreModuleOptions {
  /** Where log lines go; stdout when absent. Tests pass a stream to assert on logs. */
  readonly logDestination?: DestinationStream;
  /** Every feature's migrations, in order (the composition root's list); none when absent. */
  readonly migrations?: MigrationList;
}

/**
 * The cross-cutting infrastructure an app has once, with no business words: configuration, the
 * HTTP pipeline, logs, health and the metrics endpoints. The app module imports it once. What
 * features use — `DatabaseModule`, `RedisModule`, `MetricsModule` — they import themselves.
 */
@Module({})
export class CoreModule {
  static forRoot(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config, options.migrations ?? []),
        HttpPipelineModule,
        ObservabilityModule.forRoot(config, options.logDestination),
      ],
      controllers: [ProblemTypesController],
      providers: [ProblemTypes],
    };
  }
}
