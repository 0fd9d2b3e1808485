import { Injectable } from '@nestjs/common';
import { AuditService } from '@flowgate/audit';
import { FlowgateConfig, TransactionRunner } from '@flowgate/core';
import type { AttemptRecord } from '../deliveries/webhook-deliveries.repository';
import { WebhookDeliveriesRepository } from '../deliveries/webhook-deliveries.repository';
import type { ClaimedDelivery } from '../deliveries/webhook-delivery';
import { nextAttemptDelay } from '../policy/retry-schedule';
import { WebhookSubscriptionsRepository } from '../subscriptions/webhook-subscriptions.repository';
import { WebhookMetrics } from '../webhook-metrics';

/**
 * Records how an attempt ended, in one transaction: the delivery (delivered, retried later or
 * dead-lettered), the endpoint's failure count, and — when the failures reach the limit — its
 * automatic pause with the reason and an audit event by the system. Nothing is written when the
 * lease was lost meanwhile (another deliverer owns the delivery now).
 */
@Injectable()
export class DeliveryOutcomes {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly transactions: TransactionRunner,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly audit: AuditService,
    private readonly metrics: WebhookMetrics,
  ) {}

  /** A round's delivered messages, in one transaction: their endpoints' failure counts start again. */
  async delivered(delivered: readonly { claim: ClaimedDelivery; attempt: AttemptRecord }[]): Promise<void> {
    if (delivered.length === 0) return;
    await this.transactions.run(async (manager) => {
      const subscriptions = await this.deliveries.finishDelivered(delivered, manager);
      for (const id of new Set(subscriptions)) await this.subscriptions.recordSuccess(id, manager);
      this.transactions.afterCommit(() => this.metrics.deliveries.inc({ outcome: 'succeeded' }, subscriptions.length));
    });
  }

  async failed(claim: ClaimedDelivery, attempt: AttemptRecord): Promise<void> {
    const { webhooks } = this.config;
    const next = nextAttemptDelay(claim.attempts, webhooks);
    await this.transactions.run(async (manager) => {
      const outcome = next.deadLetter
        ? { status: 'dead' as const }
        : { status: 'pending' as const, retryAt: new Date(Date.now() + next.delayMs) };
      if (!(await this.deliveries.finishAttempt(claim, outcome, attempt, manager))) return;
      const reason = `${webhooks.pauseAfterFailures} consecutive failed attempts; the last: ${describe(attempt)}`;
      const { pausedNow } = await this.subscriptions.recordFailure(
        claim.subscriptionId,
        webhooks.pauseAfterFailures,
        reason,
        manager,
      );
      if (pausedNow) {
        await this.audit.record(
          {
            actor: { type: 'system' },
            action: 'webhook_subscription.paused',
            resource: { type: 'webhook_subscription', id: claim.subscriptionId },
            outcome: 'succeeded',
            before: { status: 'enabled' },
            after: { status: 'paused', pausedReason: reason },
          },
          manager,
        );
      }
      this.transactions.afterCommit(() => {
        if (next.deadLetter) {
          this.metrics.deliveries.inc({ outcome: 'dead' });
          this.metrics.deadLetters.inc();
        }
        if (pausedNow) this.metrics.endpointsPaused.inc();
      });
    });
  }
}

function describe(attempt: AttemptRecord): string {
  return attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : (attempt.error ?? 'no answer');
}
