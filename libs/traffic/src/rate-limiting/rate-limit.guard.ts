import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { Principal } from '@flowgate/auth';
import type { HttpReply, HttpRequest } from '@flowgate/core';
import {
  EXEMPT_FROM_RATE_LIMITS,
  FlowgateConfig,
  RATE_LIMIT_POLICY_NAMES,
  RateLimitPolicyName,
  SENSITIVE_RATE_LIMIT,
} from '@flowgate/core';
import { rateLimitField, rateLimitPolicyField, RateLimitState } from './rate-limit-headers';
import { RateLimiter } from './rate-limiter';
import { RateLimitStorage } from './rate-limit-storage';

type RateLimitedRequest = HttpRequest & { user?: Principal; rateLimitStates?: RateLimitState[] };

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
    private readonly limiter: RateLimiter,
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

  protected override async handleRequest({ context, throttler, limit, ttl }: ThrottlerRequest): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RateLimitedRequest>();
    const res = context.switchToHttp().getResponse<HttpReply>();
    const name = throttler.name as RateLimitPolicyName;
    if (!this.applies(name, req, context)) return true;

    // The throttler resolved the budget: the configured policy, or a route's @Throttle() override.
    const counted = await this.limiter.count(name, req, { name, limit, windowSeconds: Math.ceil(ttl / 1000) });
    const applied = [...(req.rateLimitStates ?? []), counted.state];
    req.rateLimitStates = applied;
    res.header('RateLimit-Policy', rateLimitPolicyField(applied));
    res.header('RateLimit', rateLimitField(applied));
    if (counted.exceededForSeconds !== undefined) throw this.limiter.refusal(counted, applied);
    return true;
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
