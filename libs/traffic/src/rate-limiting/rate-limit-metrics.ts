import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Counter, Gauge } from 'prom-client';

/** Rate limiting as seen from /metrics: refusals by policy, and whether the shared store is away. */
@Injectable()
export class RateLimitMetrics {
  readonly refused: Counter<'policy'>;
  readonly localFallbacks: Counter;
  readonly degraded: Gauge;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.refused = new Counter({
      name: 'rate_limit_refused_total',
      help: 'Requests refused with 429, by the rate-limit policy they exceeded',
      labelNames: ['policy'] as const,
      registers,
    });
    this.localFallbacks = new Counter({
      name: 'rate_limit_local_fallbacks_total',
      help: 'Requests counted by the per-instance limiter because the shared store (Redis) was unreachable',
      registers,
    });
    this.degraded = new Gauge({
      name: 'rate_limit_degraded',
      help: '1 while rate limits are counted per instance because Redis is unreachable, else 0',
      registers,
    });
  }
}
