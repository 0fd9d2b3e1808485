import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The relay's and the deliverer's activity as seen from /metrics (docs/runbook.md, "Webhooks"). */
@Injectable()
export class WebhookMetrics {
  /** From an event's commit to its publication (fan-out): the relay's lag. */
  readonly outboxLag: Histogram;
  /** Age of the oldest unpublished event, refreshed by every relay run: alert on it. */
  readonly outboxOldestPending: Gauge;
  /** Attempts by result: `delivered`, `rejected` (non-2xx), `failed` (no answer), `refused` (SSRF rule). */
  readonly attempts: Counter<'result'>;
  /** Deliveries that ended, by outcome: `succeeded` or `dead` (dead-lettered). */
  readonly deliveries: Counter<'outcome'>;
  readonly deadLetters: Counter;
  readonly attemptDuration: Histogram;
  readonly endpointsPaused: Counter;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.outboxLag = new Histogram({
      name: 'webhook_outbox_lag_seconds',
      help: 'Time from an outbox event to its publication into webhook deliveries',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.outboxOldestPending = new Gauge({
      name: 'webhook_outbox_oldest_pending_seconds',
      help: 'Age of the oldest outbox event not yet published (0 when none)',
      registers,
    });
    this.attempts = new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by result (delivered, rejected, failed, refused)',
      labelNames: ['result'] as const,
      registers,
    });
    this.deliveries = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries that ended, by outcome (succeeded, dead)',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.deadLetters = new Counter({
      name: 'webhook_dead_letters_total',
      help: 'Webhook deliveries dead-lettered after their last attempt',
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'webhook_delivery_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts, answered or not',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.endpointsPaused = new Counter({
      name: 'webhook_endpoints_paused_total',
      help: 'Webhook subscriptions paused automatically after repeated failures',
      registers,
    });
  }
}
