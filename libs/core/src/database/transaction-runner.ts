import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

interface UnitOfWork {
  readonly manager: EntityManager;
  readonly afterCommit: (() => Promise<void> | void)[];
}

/**
 * The unit of work. A service method opens one transaction here and passes the `EntityManager`
 * to every repository, audit, outbox and idempotency write it makes, so they commit or roll back
 * together. Throwing inside `work` rolls everything back.
 *
 * Units of work nest by joining: `run` inside a running unit of work (the idempotency layer opens
 * one around a whole request, so that its record commits with the request's change) uses that
 * transaction. `runAlone` always opens a transaction of its own, for writes that must survive the
 * caller's rollback (an audited denial). Work that must only happen once the change is durable
 * (dropping a cache entry, telling other instances) is registered with `afterCommit`.
 */
@Injectable()
export class TransactionRunner {
  private readonly current = new AsyncLocalStorage<UnitOfWork>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(TransactionRunner.name);
  }

  /** Runs `work` in the unit of work already open in this async context, or in a new one. */
  run<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const open = this.current.getStore();
    // A joined unit of work keeps the isolation level of whoever opened it.
    return open ? work(open.manager) : this.runAlone(work, isolation);
  }

  /** Runs `work` in a new transaction of its own, whatever is open around it. */
  async runAlone<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const afterCommit: UnitOfWork['afterCommit'] = [];
    const inUnit = (manager: EntityManager) => this.current.run({ manager, afterCommit }, () => work(manager));
    const result = isolation
      ? await this.dataSource.transaction(isolation, inUnit)
      : await this.dataSource.transaction(inUnit);
    for (const hook of afterCommit) {
      // The change is committed: a failing hook must not turn a done change into an error.
      await Promise.resolve()
        .then(hook)
        .catch((error: unknown) => this.logger.error({ err: error }, 'An after-commit step failed'));
    }
    return result;
  }

  /** Registers `hook` to run after the open unit of work commits (never if it rolls back). */
  afterCommit(hook: () => Promise<void> | void): void {
    const open = this.current.getStore();
    if (!open) throw new Error('afterCommit() called outside a unit of work');
    open.afterCommit.push(hook);
  }
}
