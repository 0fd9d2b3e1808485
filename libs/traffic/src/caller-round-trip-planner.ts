import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isPublic } from '@flowgate/auth';
import {
  attachCallerBatch,
  CallerBatch,
  CallerRoundTrip,
  FlowgateConfig,
  type HttpRequest,
  routeTemplateOf,
} from '@flowgate/core';
import { inFlightMarkerName, wellFormedIdempotencyKey } from './idempotency/in-flight-marker';
import { IDEMPOTENT, type IdempotentOptions } from './idempotency/idempotent.decorator';
import { RateLimitGuard } from './rate-limiting/rate-limit.guard';
import { RateLimiter } from './rate-limiting/rate-limiter';

/**
 * Plans a request's Redis work for its caller before the guards run (ADR 28): the rate-limit
 * counters the route draws on and, on an `@Idempotent()` route sent with a well-formed key, the
 * in-flight marker. They go out with the principal lookup, in one round trip, once the token
 * says who the caller is; the rate limiter and the idempotency interceptor then claim what was
 * done for them instead of sending their own commands. Public routes have no caller: no plan.
 */
@Injectable()
export class CallerRoundTripPlanner {
  constructor(
    private readonly reflector: Reflector,
    private readonly rateLimits: RateLimitGuard,
    private readonly limiter: RateLimiter,
    private readonly roundTrip: CallerRoundTrip,
    private readonly config: FlowgateConfig,
  ) {}

  /** Attaches the request's batch and returns it; `undefined` when there is nothing to gather. */
  plan(context: ExecutionContext): CallerBatch | undefined {
    if (context.getType() !== 'http' || isPublic(this.reflector, context)) return undefined;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const policies = this.rateLimits.callerPolicies(context);
    const idempotent = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, context.getHandler());
    const key = idempotent ? wellFormedIdempotencyKey(req) : undefined;
    if (policies.length === 0 && key === undefined) return undefined;
    const { method } = req;
    const route = routeTemplateOf(req);
    const leaseMs = this.config.traffic.idempotencyMarkerLeaseMs;
    const batch = new CallerBatch(this.roundTrip, (tag) => ({
      counters: policies.map((policy) => this.limiter.callerCounter(policy.name, tag, policy)),
      ...(key === undefined ? {} : { lease: { name: inFlightMarkerName(tag, method, route, key), ttlMs: leaseMs } }),
    }));
    attachCallerBatch(req, batch);
    return batch;
  }
}
