import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { MetricsModule } from '../observability/metrics.module';
import { DatabaseAvailability } from './database-availability';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_MIGRATIONS, type MigrationList } from './migrations';
import { ReadReplica } from './read-replica';
import { TransactionRunner } from './transaction-runner';
import { TypeOrmPinoLogger } from './typeorm-pino-logger';

/**
 * PostgreSQL: the data source (TypeORM's, registered once here) and `TransactionRunner`, the one
 * way in for everything else; `ReadReplica` for the reads that may go to a replica (ADR 29). Not global: a module whose providers open units of work or read
 * through `TransactionRunner` imports it, so the graph shows who touches the database. A static
 * module, so every import shares the one data source.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [FlowgateConfig, PinoLogger, DATABASE_MIGRATIONS],
      useFactory: (config: FlowgateConfig, logger: PinoLogger, migrations: MigrationList) => ({
        ...dataSourceOptions(config.database, config.app.serviceName, migrations),
        logger: new TypeOrmPinoLogger(logger),
        maxQueryExecutionTime: 1_000,
        // Feature modules register their entities with TypeOrmModule.forFeature.
        autoLoadEntities: true,
        retryAttempts: config.app.environment === 'test' ? 0 : 5,
        retryDelay: 2_000,
      }),
    }),
    MetricsModule,
  ],
  providers: [TransactionRunner, DatabaseAvailability, ReadReplica],
  exports: [TransactionRunner, DatabaseAvailability, ReadReplica],
})
export class DatabaseModule {}
