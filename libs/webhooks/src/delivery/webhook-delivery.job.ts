import { Injectable } from '@nestjs/common';
import { FlowgateConfig, type WorkerJob } from '@flowgate/core';
import { type AttemptRecord, WebhookDeliveriesRepository } from '../deliveries/webhook-deliveries.repository';
import type { ClaimedDelivery } from '../deliveries/webhook-delivery';
import { isAccepted } from '../policy/retry-schedule';
import { SecretBox } from '../subscriptions/secret-box';
import { WebhookMetrics } from '../webhook-metrics';
import { DeliveryOutcomes } from './delivery-outcomes';
import { signatureHeaders } from './message-signer';
import { ReceiverAddress, ReceiverRefused } from './receiver-address';
import { WebhookSender } from './webhook-sender';

interface AttemptOutcome {
  readonly claim: ClaimedDelivery;
  readonly accepted: boolean;
  readonly attempt: AttemptRecord;
}

/**
 * Sends due deliveries: claims up to `WEBHOOK_DELIVERY_CONCURRENCY` (a lease each), attempts them
 * in parallel — the receiver's address checked again now, signed now — and records each outcome.
 * No transaction is open while a receiver is called: a slow endpoint holds a lease, not a
 * connection. On shutdown it claims nothing more; attempts in hand end within the request timeout,
 * and one cut short by a kill is sent again once its lease expires, with the same `webhook-id`.
 */
@Injectable()
export class WebhookDeliveryJob implements WorkerJob {
  readonly name = 'webhooks.delivery';
  readonly idleIntervalMs: number;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly receivers: ReceiverAddress,
    private readonly secrets: SecretBox,
    private readonly sender: WebhookSender,
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: WebhookMetrics,
  ) {
    this.idleIntervalMs = config.webhooks.idleIntervalMs;
  }

  async runOnce(signal: AbortSignal): Promise<number> {
    if (signal.aborted) return 0;
    const { deliveryConcurrency, leaseMs } = this.config.webhooks;
    const claimed = await this.deliveries.claimDue(deliveryConcurrency, leaseMs);
    const results = await Promise.all(claimed.map((claim) => this.attemptSafely(claim)));
    // Successes at once, first (a later failure to record must not make them be sent again); then
    // failures one by one (each moves its endpoint's failure count, and may pause it).
    await this.outcomes.delivered(results.filter((result) => result.accepted));
    for (const { claim, attempt, accepted } of results) if (!accepted) await this.outcomes.failed(claim, attempt);
    return claimed.length;
  }

  /**
   * One delivery's trouble stays its own: anything thrown while preparing or sending (a secret that
   * will not open because `WEBHOOK_SECRETS_KEY` changed, a bad stored URL) is a failed attempt with
   * the reason, retried and dead-lettered like any other, not an error that strands the whole batch.
   */
  private async attemptSafely(claim: ClaimedDelivery): Promise<AttemptOutcome> {
    try {
      return await this.attempt(claim);
    } catch (error) {
      this.metrics.attempts.inc({ result: 'failed' });
      const reason = error instanceof Error ? error.message : String(error);
      return {
        claim,
        accepted: false,
        attempt: { statusCode: null, latencyMs: null, error: `not sent: ${reason}`.slice(0, 500) },
      };
    }
  }

  private async attempt(claim: ClaimedDelivery): Promise<AttemptOutcome> {
    let receiver;
    try {
      receiver = await this.receivers.check(claim.url);
    } catch (error) {
      if (!(error instanceof ReceiverRefused)) throw error;
      this.metrics.attempts.inc({ result: 'refused' });
      return {
        claim,
        accepted: false,
        attempt: { statusCode: null, latencyMs: null, error: `refused: ${error.message}` },
      };
    }
    const secrets = [claim.secretSealed, claim.previousSecretSealed]
      .filter((sealed): sealed is string => sealed !== null)
      .map((sealed) => this.secrets.open(sealed));
    const result = await this.sender.send(receiver, { body: claim.body, headers: signatureHeaders(claim, secrets) });
    this.metrics.attemptDuration.observe(result.latencyMs / 1000);
    if (result.kind === 'answered' && isAccepted(result.statusCode)) {
      this.metrics.attempts.inc({ result: 'delivered' });
      return {
        claim,
        accepted: true,
        attempt: { statusCode: result.statusCode, latencyMs: result.latencyMs, error: null },
      };
    }
    this.metrics.attempts.inc({ result: result.kind === 'answered' ? 'rejected' : 'failed' });
    const attempt =
      result.kind === 'answered'
        ? { statusCode: result.statusCode, latencyMs: result.latencyMs, error: `HTTP ${result.statusCode}` }
        : { statusCode: null, latencyMs: result.latencyMs, error: result.error };
    return { claim, accepted: false, attempt };
  }
}
