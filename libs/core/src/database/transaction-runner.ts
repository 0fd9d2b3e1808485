import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

/**
 * The unit of work. A service method opens one transaction here and passes the `EntityManager`
 * to every repository, audit, outbox and idempotency write it makes, so they commit or roll back
 * together. Throwing inside `work` rolls everything back.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    return isolation ? this.dataSource.transaction(isolation, work) : this.dataSource.transaction(work);
  }
}
