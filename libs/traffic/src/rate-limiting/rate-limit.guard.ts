import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { Principal } from '@flowgate/auth';
import {
  AppError,
  EXEMPT_FROM_RATE_LIMITS,
  FlowgateConfig,
  RATE_LIMIT_POLICY_NAMES,
  RateLimitPolicyName,
  SENSITIVE_RATE_LIMIT,
} from '@flowgate/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { rateLimitField, rateLimitPolicyField, RateLimitState } from './rate-limit-headers';
import { RateLimitMetrics } from './rate-limit-metrics';
import { RateLimitStorage } from './rate-limit-storage';

type RateLimitedRequest = Request & { user?: Principal; rateLimitStates?: RateLimitState[] };

/**
 * Rate limits by named policy (RATE_LIMIT_* in config), after authentication so that a caller is
 * limited as themselves wherever they connect from, not by a shared office IP:
 * - `principal`: every authenticated request, per user (`tid:oid`);
 * - `anonymous`: every public request, per client IP (`req.ip`, which honours TRUST_PROXY);
 * - `sensitive`: additionally on `@SensitiveRateLimit()` routes, per user (per IP if public).
 * Probes and metrics (`@ExemptFromRateLimits()`) are never limited.
 *
 * Every limited response carries the IETF `RateLimit-Policy` and `RateLimit` fields; a refusal is
 * a 429 problem naming the policy, with `Retry-After` and `Cache-Control: no-store`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    // Explicit token: the base class marks this parameter @InjectThrottlerStorage(), which would
    // otherwise win and hand us the library's per-process store.
    @Inject(RateLimitStorage) storage: RateLimitStorage,
    reflector: Reflector,
    private readonly config: FlowgateConfig,
    private readonly metrics: RateLimitMetrics,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const exempt = this.reflector.getAllAndOverride<boolean>(EXEMPT_FROM_RATE_LIMITS, [
      context.getHandler(),
      context.getClass(),
    ]);
    return Promise.resolve(context.getType() !== 'http' || exempt === true);
  }

  protected override async handleRequest({ context, limit, ttl, throttler }: ThrottlerRequest): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RateLimitedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const name = throttler.name as RateLimitPolicyName;
    if (!this.applies(name, req, context)) return true;

    const tracker = req.user ? `user:${req.user.tenantId}:${req.user.objectId}` : `ip:${req.ip}`;
    const key = `rate-limit:${name}:${createHash('sha256').update(tracker).digest('base64url')}`;
    const counted = await this.storageService.increment(key, ttl, limit, ttl, name);
    const state: RateLimitState = {
      policy: this.config.traffic.rateLimits[name],
      remaining: Math.max(0, limit - counted.totalHits),
      resetSeconds: counted.timeToExpire,
    };
    req.rateLimitStates = [...(req.rateLimitStates ?? []), state];
    res.setHeader('RateLimit-Policy', rateLimitPolicyField(req.rateLimitStates));
    res.setHeader('RateLimit', rateLimitField(req.rateLimitStates));
    if (!counted.isBlocked) return true;

    this.metrics.refused.inc({ policy: name });
    throw new AppError(
      'too_many_requests',
      `The ${name} rate limit (${limit} requests per ${state.policy.windowSeconds} s) is used up; retry after ${counted.timeToBlockExpire} s.`,
      {
        headers: { 'Retry-After': String(counted.timeToBlockExpire), 'Cache-Control': 'no-store' },
        extensions: { policy: name },
      },
    );
  }

  private applies(name: RateLimitPolicyName, req: RateLimitedRequest, context: ExecutionContext): boolean {
    switch (name) {
      case 'principal':
        return req.user !== undefined;
      case 'anonymous':
        return req.user === undefined;
      case 'sensitive':
        return (
          this.reflector.getAllAndOverride<boolean>(SENSITIVE_RATE_LIMIT, [
            context.getHandler(),
            context.getClass(),
          ]) === true
        );
    }
  }
}

/** The throttler's named throttlers, one per policy; limits and windows come from config. */
export function throttlersFor(config: FlowgateConfig): { name: string; limit: number; ttl: number }[] {
  return RATE_LIMIT_POLICY_NAMES.map((name) => {
    const policy = config.traffic.rateLimits[name];
    return { name, limit: policy.limit, ttl: policy.windowSeconds * 1000 };
  });
}
