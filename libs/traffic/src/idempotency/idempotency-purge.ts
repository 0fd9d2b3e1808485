import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DistributedLock, FlowgateConfig } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { IdempotencyRepository } from './idempotency.repository';

const BATCH = 1_000;

/**
 * Deletes expired idempotency records every IDEMPOTENCY_PURGE_INTERVAL_SECONDS. With several
 * replicas, the one that takes the Redis lock for the interval does the work; the others skip.
 * Deleting expired rows twice is harmless, so if Redis is down every replica purges.
 * Expired records are already ignored by lookups; purging only keeps the table small.
 */
@Injectable()
export class IdempotencyPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly locks: DistributedLock,
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IdempotencyPurge.name);
  }

  onApplicationBootstrap(): void {
    const intervalMs = this.config.traffic.idempotencyPurgeIntervalSeconds * 1000;
    this.timer = setInterval(() => void this.runOnce(intervalMs), intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One purge pass, if no other replica holds this interval's lock. Returns the rows deleted. */
  async runOnce(leaseMs = this.config.traffic.idempotencyPurgeIntervalSeconds * 1000): Promise<number | undefined> {
    try {
      const lease = await this.locks.tryAcquire('idempotency-purge', leaseMs).catch(() => 'no lock service' as const);
      if (!lease) return undefined;
      let total = 0;
      for (let deleted = BATCH; deleted === BATCH; total += deleted) deleted = await this.records.purgeExpired(BATCH);
      if (total > 0) this.logger.info({ deleted: total }, 'Purged expired idempotency records');
      return total;
    } catch (error) {
      this.logger.error({ err: error }, 'Idempotency purge failed; the next interval retries');
      return undefined;
    }
  }
}
