import { Injectable } from '@nestjs/common';
import { FlowgateConfig, inSpan, linksTo, traceColumns, TransactionRunner, type WorkerJob } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { toWebhookMessages } from '../events/webhook-events';
import { WebhookMetrics } from '../webhook-metrics';
import { type ClaimedOutboxEvent, OutboxRelayRepository, type Publication } from './outbox-relay.repository';

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
      if (events.length === 0) return 0;
      await this.publishInItsOwnTrace(events, manager);
      this.transactions.afterCommit(() => {
        const now = Date.now();
        for (const event of events) this.metrics.outboxLag.observe((now - event.createdAt.getTime()) / 1000);
      });
      return events.length;
    });
    this.metrics.outboxOldestPending.set(await this.outbox.oldestPendingAgeSeconds());
    return published;
  }

  /**
   * A batch is a trace of its own (a root span) linked to the transaction that wrote each event
   * (docs/webhooks.md "Tracing"): a batch gathers events of many transactions, and a span has one
   * parent. An idle poll makes no span: it starts once events are claimed.
   */
  private publishInItsOwnTrace(events: readonly ClaimedOutboxEvent[], manager: EntityManager): Promise<void> {
    const links = events.flatMap((event) =>
      linksTo(event.trace).map((link) => ({ ...link, attributes: { 'flowgate.outbox.event_id': event.id } })),
    );
    return inSpan(
      'webhooks.outbox-relay',
      async (span) => {
        const publications: Publication[] = events.flatMap((event) =>
          toWebhookMessages(event).map((message) => ({
            ...message,
            outboxEventId: event.id,
            aggregateId: event.aggregateId,
            ...traceColumns(event.trace),
          })),
        );
        const deliveries = await this.outbox.fanOut(publications, manager);
        await this.outbox.markPublished(
          events.map((event) => event.id),
          manager,
        );
        span?.setAttributes({
          'flowgate.outbox.events': events.length,
          'flowgate.webhook.deliveries': deliveries,
          'flowgate.outbox.oldest_event_age_ms':
            Date.now() - Math.min(...events.map((event) => event.createdAt.getTime())),
        });
      },
      { root: true, links },
    );
  }
}
