import { Injectable } from '@nestjs/common';
import type { Principal } from '@flowgate/auth';
import { AppError, FlowgateConfig } from '@flowgate/core';
import type { RateLimitPolicy, RateLimitPolicyName } from '../traffic.config';
import { hash } from 'node:crypto';
import { rateLimitField, rateLimitPolicyField, type RateLimitState } from './rate-limit-headers';
import { RateLimitMetrics } from './rate-limit-metrics';
import { RateLimitStorage } from './rate-limit-storage';

/** Who a request is counted for: the caller when authenticated, else the client IP. */
export interface RateLimitedClient {
  readonly ip?: string;
  readonly user?: unknown;
}

export interface Counted {
  readonly state: RateLimitState;
  /** Seconds until the budget returns, when this request went over it. */
  readonly exceededForSeconds?: number;
}

/**
 * Counts one request against one policy for its tracker — the caller's user id when there is
 * one (never a join of source and subject, which two users could share), else the client IP —
 * and words the refusal. Shared by the rate-limit guard and the
 * failed-authentication budget, so that both draw on the same counters.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly storage: RateLimitStorage,
    private readonly config: FlowgateConfig,
    private readonly metrics: RateLimitMetrics,
  ) {}

  /** `policy` defaults to the configured one; the guard passes a route's `@Throttle()` override. */
  async count(
    name: RateLimitPolicyName,
    client: RateLimitedClient,
    policy: RateLimitPolicy = this.config.traffic.rateLimits[name],
  ): Promise<Counted> {
    const user = client.user as Pick<Principal, 'userId'> | undefined;
    const tracker = user ? `user:${user.userId}` : `ip:${client.ip}`;
    const key = `rate-limit:${name}:${hash('sha256', tracker, 'base64url')}`;
    const counted = await this.storage.increment(key, policy.windowSeconds * 1000, policy.limit);
    const state: RateLimitState = {
      policy,
      remaining: Math.max(0, policy.limit - counted.totalHits),
      resetSeconds: counted.timeToExpire,
    };
    return counted.isBlocked ? { state, exceededForSeconds: counted.timeToBlockExpire } : { state };
  }

  /** The 429 for a used-up budget, carrying the RateLimit fields of every policy applied. */
  refusal(exceeded: Counted, applied: readonly RateLimitState[]): AppError {
    const { policy } = exceeded.state;
    const retryAfter = String(exceeded.exceededForSeconds ?? exceeded.state.resetSeconds);
    this.metrics.refused.inc({ policy: policy.name });
    return new AppError(
      'too_many_requests',
      `The ${policy.name} rate limit (${policy.limit} requests per ${policy.windowSeconds} s) is used up; ` +
        `retry after ${retryAfter} s.`,
      {
        headers: {
          'Retry-After': retryAfter,
          'Cache-Control': 'no-store',
          'RateLimit-Policy': rateLimitPolicyField(applied),
          RateLimit: rateLimitField(applied),
        },
        extensions: { policy: policy.name },
      },
    );
  }
}
