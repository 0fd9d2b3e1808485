import type { PinoLogger } from 'nestjs-pino';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * Sends TypeORM's messages to the structured log instead of the console. Query text is logged
 * only for failures and slow queries, and parameters never are: they can hold personal data.
 */
export class TypeOrmPinoLogger implements TypeOrmLogger {
  constructor(private readonly logger: PinoLogger) {
    this.logger.setContext('TypeORM');
  }

  logQuery(): void {
    // Every query at debug level would flood the logs; pg_stat_statements is the tool for that.
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn({ err: error, query }, 'Query failed');
  }

  logQuerySlow(timeMs: number, query: string): void {
    this.logger.warn({ timeMs, query }, 'Slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ detail: message }, 'TypeORM warning');
    else this.logger.debug({ detail: message }, 'TypeORM');
  }
}
