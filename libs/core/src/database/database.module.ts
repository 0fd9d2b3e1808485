import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowgateConfig } from '../config/flowgate-config';
import { dataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction-runner';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [FlowgateConfig],
      useFactory: (config: FlowgateConfig) => ({
        ...dataSourceOptions(config.database, config.app.serviceName),
        // Feature modules register their entities with TypeOrmModule.forFeature.
        autoLoadEntities: true,
        retryAttempts: config.app.environment === 'test' ? 0 : 5,
        retryDelay: 2_000,
      }),
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
