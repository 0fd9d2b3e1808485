import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { DatabaseAvailability } from './database-availability';
import { dataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction-runner';
import { TypeOrmPinoLogger } from './typeorm-pino-logger';

/** Global: every feature's service opens its unit of work with TransactionRunner. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [FlowgateConfig, PinoLogger],
      useFactory: (config: FlowgateConfig, logger: PinoLogger) => ({
        ...dataSourceOptions(config.database, config.app.serviceName),
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
})
export class DatabaseModule {}
