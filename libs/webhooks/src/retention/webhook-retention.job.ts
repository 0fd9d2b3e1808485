import { Injectable } from '@nestjs/common';
import { drainBatches, FlowgateConfig, type WorkerJob } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { WebhookRetentionRepository } from './webhook-retention.repository';

const BATCH = 1_000;

/**
 * Keeps the outbox and the delivery log from growing without bound: deletes published outbox
 * events and finished deliveries older than `WEBHOOK_RETENTION_DAYS`, once per
 * `WEBHOOK_RETENTION_INTERVAL_SECONDS` for the whole deployment (a singleton: the replica holding
 * its lock does it). Dead letters are kept as long, so they can be redelivered within the window.
 */
@Injectable()
export class WebhookRetentionJob implements WorkerJob {
  readonly name = 'webhooks.retention';
  readonly singleton = true;
  readonly idleIntervalMs: number;
  private readonly days: number;

  constructor(
    private readonly rows: WebhookRetentionRepository,
    config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(WebhookRetentionJob.name);
    this.idleIntervalMs = config.webhooks.retentionIntervalSeconds * 1000;
    this.days = config.webhooks.retentionDays;
  }

  /** Purges batch after batch until nothing is left to purge (or shutdown); returns rows deleted. */
  async runOnce(signal: AbortSignal): Promise<number> {
    const events = await drainBatches(signal, BATCH, () => this.rows.purgePublishedEvents(this.days, BATCH));
    const deliveries = await drainBatches(signal, BATCH, () => this.rows.purgeFinishedDeliveries(this.days, BATCH));
    if (events + deliveries > 0) {
      this.logger.info({ events, deliveries, olderThanDays: this.days }, 'Purged old outbox events and deliveries');
    }
    return events + deliveries;
  }
}
