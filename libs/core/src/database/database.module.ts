import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { DatabaseAvailability } from './database-availability';
import { dataSourceOptions } from './data-source-options';
import type { MigrationList } from './migrations';
import { TransactionRunner } from './transaction-runner';
import { TypeOrmPinoLogger } from './typeorm-pino-logger';

/** Global: every feature's service opens its unit of work with TransactionRunner. */
@Global()
@Module({})
export class DatabaseModule {
  /** `migrations`: every feature's, as the composition root assembled them (`orderMigrations`). */
  static forRoot(migrations: MigrationList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [FlowgateConfig, PinoLogger],
          useFactory: (config: FlowgateConfig, logger: PinoLogger) => ({
            ...dataSourceOptions(config.database, config.app.serviceName, migrations),
            logger: new TypeOrmPinoLogger(logger),
            maxQueryExecutionTime: 1_000,
            // Feature modules register their entities with TypeOrmModule.forFeature.
            autoLoadEntities: true,
            retryAttempts: config.app.environment === 'test' ? 0 : 5,
            retryDelay: 2_000,
          }),
        }),
      ],
      providers: [TransactionRunner, DatabaseAvailability],
      exports: [TransactionRunner, DatabaseAvailability],
    };
  }
}
