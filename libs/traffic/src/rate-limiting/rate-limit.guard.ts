import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { AuthenticatedRequest } from '@flowgate/auth';
import type { HttpReply, ImmediateVerdict } from '@flowgate/core';
import { EXEMPT_FROM_RATE_LIMITS, FlowgateConfig, SENSITIVE_RATE_LIMIT } from '@flowgate/core';
import { RATE_LIMIT_POLICY_NAMES, type RateLimitPolicy, type RateLimitPolicyName } from '../traffic.config';
import { rateLimitField, rateLimitPolicyField, RateLimitState } from './rate-limit-headers';
import { RateLimiter } from './rate-limiter';
import { RateLimitStorage } from './rate-limit-storage';
import { SKIP_THROTTLE_KEY, THROTTLE_LIMIT_KEY, THROTTLE_TTL_KEY } from './throttler-metadata';

type RateLimitedRequest = AuthenticatedRequest & { rateLimitStates?: RateLimitState[] };

/**
 * Rate limits by named policy (RATE_LIMIT_* in config), after authentication so that a caller is
 * limited as themselves wherever they connect from, not by a shared office IP:
 * - `principal`: every authenticated request, per user (user id);
 * - `anonymous`: every public request, per client IP (`req.ip`, which honours TRUST_PROXY);
 * - `sensitive`: additionally on `@SensitiveRateLimit()` routes, per user (per IP if public).
 * Probes and metrics (`@ExemptFromRateLimits()`) are never limited.
 *
 * Every limited response carries the IETF `RateLimit-Policy` and `RateLimit` fields; a refusal is
 * a 429 problem naming the policy, with `Retry-After` and `Cache-Control: no-store`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard implements ImmediateVerdict {
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

  /** Per controller class and handler: a route's metadata is fixed once the app is built. */
  private readonly plans = new WeakMap<object, WeakMap<object, RoutePlan>>();

  /** `true` without a promise where the route counts nothing (exempt, or not HTTP): `ImmediateVerdict`. */
  verdictNow(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const plan = this.planFor(context);
    return plan !== 'per-request' && plan.length === 0 ? true : this.canActivate(context);
  }

  /**
   * The throttler's own `canActivate` reads six metadata keys per policy on every request; what a
   * route's metadata says never changes, so it is read once per route into a plan. A route whose
   * `@Throttle()` budget is a function (resolved per request) takes the throttler's own path.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const plan = this.planFor(context);
    if (plan === 'per-request') return super.canActivate(context);
    const req = context.switchToHttp().getRequest<RateLimitedRequest>();
    const res = context.switchToHttp().getResponse<HttpReply>();
    for (const budget of plan) {
      if (appliesTo(budget.name, req)) await this.count(budget, req, res);
    }
    return true;
  }

  /**
   * The policies a signed-in caller draws on at this route, in the order `canActivate` counts
   * them; none when a budget is resolved per request (that route counts on its own). What the
   * caller's round trip counts ahead (ADR 28).
   */
  callerPolicies(context: ExecutionContext): RateLimitPolicy[] {
    const plan = context.getType() === 'http' ? this.planFor(context) : [];
    if (plan === 'per-request') return [];
    return plan
      .filter((budget) => budget.name !== 'anonymous')
      .map(({ name, limit, ttl }) => ({ name, limit, windowSeconds: Math.ceil(ttl / 1000) }));
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.getType() !== 'http' || this.isExempt(context));
  }

  /** The throttler's path (routes with per-request budgets): the budget it resolved is used. */
  protected override async handleRequest({ context, throttler, limit, ttl }: ThrottlerRequest): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RateLimitedRequest>();
    const name = throttler.name as RateLimitPolicyName;
    if (name === 'sensitive' ? !this.isSensitive(context) : !appliesTo(name, req)) return true;
    await this.count({ name, limit, ttl }, req, context.switchToHttp().getResponse<HttpReply>());
    return true;
  }

  private async count(budget: Budget, req: RateLimitedRequest, res: HttpReply): Promise<void> {
    const { name, limit, ttl } = budget;
    const counted = await this.limiter.count(name, req, { name, limit, windowSeconds: Math.ceil(ttl / 1000) });
    const applied = [...(req.rateLimitStates ?? []), counted.state];
    req.rateLimitStates = applied;
    res.header('RateLimit-Policy', rateLimitPolicyField(applied));
    res.header('RateLimit', rateLimitField(applied));
    if (counted.exceededForSeconds !== undefined) throw this.limiter.refusal(counted, applied);
  }

  private planFor(context: ExecutionContext): RoutePlan {
    let byHandler = this.plans.get(context.getClass());
    if (!byHandler) {
      byHandler = new WeakMap<object, RoutePlan>();
      this.plans.set(context.getClass(), byHandler);
    }
    let plan = byHandler.get(context.getHandler());
    if (!plan) {
      plan = this.readPlan(context);
      byHandler.set(context.getHandler(), plan);
    }
    return plan;
  }

  /** Which policies the route draws on and with which budgets: configured, or `@Throttle()`'s. */
  private readPlan(context: ExecutionContext): RoutePlan {
    if (this.isExempt(context)) return [];
    const targets = [context.getHandler(), context.getClass()];
    const budgets: Budget[] = [];
    for (const throttler of this.throttlers) {
      const name = throttler.name as RateLimitPolicyName;
      if (this.reflector.getAllAndOverride<boolean>(SKIP_THROTTLE_KEY + name, targets)) continue;
      if (name === 'sensitive' && !this.isSensitive(context)) continue;
      const limit = this.reflector.getAllAndOverride<unknown>(THROTTLE_LIMIT_KEY + name, targets) ?? throttler.limit;
      const ttl = this.reflector.getAllAndOverride<unknown>(THROTTLE_TTL_KEY + name, targets) ?? throttler.ttl;
      if (typeof limit !== 'number' || typeof ttl !== 'number') return 'per-request';
      budgets.push({ name, limit, ttl });
    }
    return budgets;
  }

  private isExempt(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    return this.reflector.getAllAndOverride<boolean>(EXEMPT_FROM_RATE_LIMITS, targets) === true;
  }

  private isSensitive(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    return this.reflector.getAllAndOverride<boolean>(SENSITIVE_RATE_LIMIT, targets) === true;
  }
}

interface Budget {
  readonly name: RateLimitPolicyName;
  readonly limit: number;
  /** Milliseconds, as the throttler counts. */
  readonly ttl: number;
}

/** The budgets a route draws on (in policy order), or `per-request` when one is a function. */
type RoutePlan = readonly Budget[] | 'per-request';

/** `principal` counts signed-in callers, `anonymous` everyone else; `sensitive` is per route. */
function appliesTo(name: RateLimitPolicyName, req: RateLimitedRequest): boolean {
  if (name === 'principal') return req.user !== undefined;
  if (name === 'anonymous') return req.user === undefined;
  return true;
}

/** The throttler's named throttlers, one per policy; limits and windows come from config. */
export function throttlersFor(config: FlowgateConfig): { name: string; limit: number; ttl: number }[] {
  return RATE_LIMIT_POLICY_NAMES.map((name) => {
    const policy = config.traffic.rateLimits[name];
    return { name, limit: policy.limit, ttl: policy.windowSeconds * 1000 };
  });
}
