import { Injectable } from '@nestjs/common';
import { type Principal, principalTag } from '@flowgate/auth';
import { AppError, type CallerCounter, callerBatchOf, FlowgateConfig } from '@flowgate/core';
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
 * Counts one request against one policy for its tracker — the caller when there is one (their
 * hash tag, `principalTag`: one per user, never a join of source and subject, which two users
 * could share), else the client IP — and words the refusal. Shared by the rate-limit guard and the
 * failed-authentication budget, so that both draw on the same counters. A caller's counters
 * carry their hash tag, so the request's `CallerBatch` can count them in the round trip that
 * reads the principal (ADR 28); the count it made is used here instead of a second one.
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
    const user = client.user as Pick<Principal, 'tenantId' | 'objectId'> | undefined;
    const key = user
      ? callerCounterKey(name, principalTag(user.tenantId, user.objectId))
      : `rate-limit:${name}:${hash('sha256', `ip:${client.ip}`, 'base64url')}`;
    const counted = await this.storage.tally(
      key,
      policy.windowSeconds * 1000,
      policy.limit,
      callerBatchOf(client)?.counted(key),
    );
    const state: RateLimitState = {
      policy,
      remaining: Math.max(0, policy.limit - counted.totalHits),
      resetSeconds: counted.timeToExpire,
    };
    return counted.isBlocked ? { state, exceededForSeconds: counted.timeToBlockExpire } : { state };
  }

  /** The counter a signed-in caller with hash tag `tag` draws on under `name`'s budget. */
  callerCounter(name: RateLimitPolicyName, tag: string, policy: RateLimitPolicy): CallerCounter {
    return { key: callerCounterKey(name, tag), ttlMs: policy.windowSeconds * 1000, limit: policy.limit };
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

function callerCounterKey(name: RateLimitPolicyName, tag: string): string {
  return `rate-limit:${name}:${tag}`;
}
