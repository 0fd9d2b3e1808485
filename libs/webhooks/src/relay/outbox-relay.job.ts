import { Injectable } from '@nestjs/common';
import { FlowgateConfig, TransactionRunner, type WorkerJob } from '@flowgate/core';
import { toWebhookMessages } from '../events/webhook-events';
import { WebhookMetrics } from '../webhook-metrics';
import { OutboxRelayRepository, type Publication } from './outbox-relay.repository';

/**
 * Publishes outbox events: each becomes deliveries for the subscriptions that want it, and is
 * marked sent, in one transaction, so an event is published exactly once when the transaction
 * commits and not at all when it does not (a crash before commit leaves it for the next run).
 * Ordered per instance and safe with any number of replicas: see `claimHeads`.
 */
@Injectable()
export class OutboxRelayJob implements WorkerJob {
  readonly name = 'webhooks.outbox-relay';
  readonly idleIntervalMs: number;
  private readonly batchSize: number;

  constructor(
    config: FlowgateConfig,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxRelayRepository,
    private readonly metrics: WebhookMetrics,
  ) {
    this.idleIntervalMs = config.webhooks.idleIntervalMs;
    this.batchSize = config.webhooks.relayBatchSize;
  }

  async runOnce(signal: AbortSignal): Promise<number> {
    if (signal.aborted) return 0;
    const published = await this.transactions.run(async (manager) => {
      const events = await this.outbox.claimHeads(this.batchSize, manager);
      const publications: Publication[] = events.flatMap((event) =>
        toWebhookMessages(event).map((message) => ({
          ...message,
          outboxEventId: event.id,
          aggregateId: event.aggregateId,
        })),
      );
      await this.outbox.fanOut(publications, manager);
      await this.outbox.markPublished(
        events.map((event) => event.id),
        manager,
      );
      this.transactions.afterCommit(() => {
        const now = Date.now();
        for (const event of events) this.metrics.outboxLag.observe((now - event.createdAt.getTime()) / 1000);
      });
      return events.length;
    });
    this.metrics.outboxOldestPending.set(await this.outbox.oldestPendingAgeSeconds());
    return published;
  }
}
