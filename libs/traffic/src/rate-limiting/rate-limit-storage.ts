import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AtomicCounters, CounterValue, DegradedModes, MemoryAtomicCounters } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { RateLimitMetrics } from './rate-limit-metrics';

const COMPONENT = 'rateLimiting';
/** While degraded, how long to count locally before trying the shared store again. */
const RETRY_SHARED_AFTER_MS = 5_000;

/** What `increment` answers; the throttler's own name for it is not exported from its package entry. */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The throttler's storage: fixed windows counted atomically in the shared counters (Redis, one
 * Lua call per request and policy), so every replica draws on one budget. A request over the
 * limit is refused until its window ends.
 *
 * If Redis is unreachable, counting falls back to this instance's memory rather than failing
 * every request: each replica then enforces the budget on its own (so the fleet admits up to
 * replicas × limit). The fallback is logged once, counted in /metrics and shown by readiness;
 * the shared store is tried again every few seconds (by requests, and by a probe so that an idle
 * instance recovers too), not on every request, so an outage does not add a Redis timeout to each
 * request.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly local = new MemoryAtomicCounters();
  private retrySharedAt = 0;
  /** While degraded: probes the shared store, so that recovery does not wait for traffic. */
  private recoveryProbe: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: AtomicCounters,
    private readonly degradedModes: DegradedModes,
    private readonly metrics: RateLimitMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RateLimitStorage.name);
  }

  onApplicationShutdown(): void {
    clearInterval(this.recoveryProbe);
  }

  /** The throttler's own entry point (routes whose budget is resolved per request). */
  increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    return this.tally(key, ttlMs, limit);
  }

  /**
   * Counts one request. `precounted`: the shared counters' answer for this very increment,
   * already sent in the caller's round trip (ADR 28); `undefined` in it means it was not counted
   * there after all, and this counts as usual.
   */
  async tally(
    key: string,
    ttlMs: number,
    limit: number,
    precounted?: Promise<CounterValue | undefined>,
  ): Promise<ThrottlerStorageRecord> {
    const { value, ttlMs: leftMs } = await this.count(key, ttlMs, precounted);
    const timeToExpire = Math.max(1, Math.ceil(leftMs / 1000));
    const isBlocked = value > limit;
    return { totalHits: value, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  private async count(
    key: string,
    ttlMs: number,
    precounted?: Promise<CounterValue | undefined>,
  ): Promise<CounterValue> {
    // A count already made in the shared store is used even while degraded: Redis answered.
    if (precounted || Date.now() >= this.retrySharedAt) {
      try {
        const counted = (await precounted) ?? (await this.shared.increment(key, 1, ttlMs));
        this.recovered();
        return counted;
      } catch (error) {
        this.fellBack(error);
      }
    }
    this.metrics.localFallbacks.inc();
    return this.local.increment(key, 1, ttlMs);
  }

  private fellBack(error: unknown): void {
    this.retrySharedAt = Date.now() + RETRY_SHARED_AFTER_MS;
    if (this.degradedModes.has(COMPONENT)) return;
    this.logger.warn({ err: error }, 'Rate limits fall back to per-instance counting: the shared store is unreachable');
    this.degradedModes.enter(COMPONENT, 'per-instance limits: the shared store (Redis) is unreachable');
    this.metrics.degraded.set(1);
    this.recoveryProbe = setInterval(() => {
      this.shared.get('rate-limit:recovery-probe').then(
        () => this.recovered(),
        () => undefined,
      );
    }, RETRY_SHARED_AFTER_MS);
    this.recoveryProbe.unref();
  }

  private recovered(): void {
    if (!this.degradedModes.has(COMPONENT)) return;
    clearInterval(this.recoveryProbe);
    this.retrySharedAt = 0;
    this.logger.info('Rate limits are shared again');
    this.degradedModes.leave(COMPONENT);
    this.metrics.degraded.set(0);
  }
}
