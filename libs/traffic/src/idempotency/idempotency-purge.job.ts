import { Injectable } from '@nestjs/common';
import { drainBatches, FlowgateConfig, type WorkerJob } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { IdempotencyRepository } from './idempotency.repository';

const BATCH = 1_000;

/**
 * Deletes expired idempotency records, once per IDEMPOTENCY_PURGE_INTERVAL_SECONDS for the whole
 * deployment: a singleton worker job, so the replica holding its lock for the interval does it.
 * Expired records are already ignored by lookups; purging only keeps the table small.
 */
@Injectable()
export class IdempotencyPurgeJob implements WorkerJob {
  readonly name = 'idempotency-purge';
  readonly singleton = true;
  readonly idleIntervalMs: number;

  constructor(
    private readonly records: IdempotencyRepository,
    config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IdempotencyPurgeJob.name);
    this.idleIntervalMs = config.traffic.idempotencyPurgeIntervalSeconds * 1000;
  }

  /** Purges until nothing expired is left (or shutdown); returns the rows deleted. */
  async runOnce(signal: AbortSignal): Promise<number> {
    const total = await drainBatches(signal, BATCH, () => this.records.purgeExpired(BATCH));
    if (total > 0) this.logger.info({ deleted: total }, 'Purged expired idempotency records');
    return total;
  }
}
