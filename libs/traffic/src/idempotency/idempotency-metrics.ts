import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Counter } from 'prom-client';

/** Idempotency as seen from /metrics. */
@Injectable()
export class IdempotencyMetrics {
  readonly replays: Counter;
  readonly inFlightConflicts: Counter;

  constructor(metrics: Metrics) {
    this.replays = new Counter({
      name: 'idempotent_replays_total',
      help: 'Requests answered with a stored response (Idempotent-Replayed: true)',
      registers: [metrics.registry],
    });
    this.inFlightConflicts = new Counter({
      name: 'idempotency_in_flight_conflicts_total',
      help: 'Requests refused with 409 because the same key was still in flight',
      registers: [metrics.registry],
    });
  }
}
