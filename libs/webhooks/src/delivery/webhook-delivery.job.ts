import { Injectable } from '@nestjs/common';
import { captureTraceContext, FlowgateConfig, inSpan, linksTo, type WorkerJob } from '@flowgate/core';
import { type Span, SpanKind } from '@opentelemetry/api';
import { type AttemptRecord, WebhookDeliveriesRepository } from '../deliveries/webhook-deliveries.repository';
import type { ClaimedDelivery } from '../deliveries/webhook-delivery';
import { isAccepted } from '../policy/retry-schedule';
import { SecretBox } from '../subscriptions/secret-box';
import { WebhookMetrics } from '../webhook-metrics';
import { DeliveryOutcomes } from './delivery-outcomes';
import { recordAttemptOutcome } from './delivery-span';
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
    const results = await Promise.all(claimed.map((claim) => this.attemptInItsOwnTrace(claim)));
    // Successes at once, first (a later failure to record must not make them be sent again); then
    // failures one by one (each moves its endpoint's failure count, and may pause it).
    await this.outcomes.delivered(results.filter((result) => result.accepted));
    for (const { claim, attempt, accepted } of results) if (!accepted) await this.outcomes.failed(claim, attempt);
    return claimed.length;
  }

  /**
   * Each attempt is a trace of its own, a CLIENT span linked to the transaction that wrote the event
   * (docs/webhooks.md "Tracing"): retries come minutes or hours later, from any worker. Its context
   * goes to the receiver as `traceparent`, so a receiver that traces continues this trace.
   */
  private attemptInItsOwnTrace(claim: ClaimedDelivery): Promise<AttemptOutcome> {
    return inSpan(
      'webhooks.delivery-attempt',
      async (span) => {
        span?.setAttributes({
          'flowgate.webhook.subscription_id': claim.subscriptionId,
          'flowgate.webhook.delivery_id': claim.id,
          'flowgate.webhook.message_id': claim.messageId,
          'flowgate.webhook.event_type': claim.eventType,
          'flowgate.webhook.attempt': claim.attempts,
          'http.request.method': 'POST',
        });
        const outcome = await this.attemptSafely(claim, span);
        if (span) recordAttemptOutcome(span, outcome);
        return outcome;
      },
      { root: true, kind: SpanKind.CLIENT, links: linksTo(claim.trace) },
    );
  }

  /**
   * One delivery's trouble stays its own: anything thrown while preparing or sending (a secret that
   * will not open because `WEBHOOK_SECRETS_KEY` changed, a bad stored URL) is a failed attempt with
   * the reason, retried and dead-lettered like any other, not an error that strands the whole batch.
   */
  private async attemptSafely(claim: ClaimedDelivery, span: Span | undefined): Promise<AttemptOutcome> {
    try {
      return await this.attempt(claim, span);
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

  private async attempt(claim: ClaimedDelivery, span: Span | undefined): Promise<AttemptOutcome> {
    let receiver;
    try {
      receiver = await this.receivers.check(claim.url);
      span?.setAttributes(receiverAttributes(receiver.url));
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
    // `traceparent` (this attempt's span) beside the signature, outside what it signs: id, timestamp, body.
    const headers = { ...signatureHeaders(claim, secrets), ...captureTraceContext() };
    const result = await this.sender.send(receiver, { body: claim.body, headers });
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

/** Where the attempt went, without the path or query (a receiver URL may carry a token there). */
function receiverAttributes(url: URL): Record<string, string | number> {
  const scheme = url.protocol.slice(0, -1);
  return {
    'server.address': url.hostname,
    'server.port': Number(url.port || (scheme === 'https' ? 443 : 80)),
    'url.scheme': scheme,
  };
}
