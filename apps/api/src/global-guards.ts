import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { AuthenticationGuard, AuthorizationGuard } from '@flowgate/auth';
import { inSpan, RequestShapeGuard, tracingActive } from '@flowgate/core';
import { CallerRoundTripPlanner, RateLimitGuard } from '@flowgate/traffic';

/**
 * The app's global guards, and the one place their order is written. Nest would run several
 * `APP_GUARD` providers in the order it happens to discover them (module imports, then providers),
 * which no one reading a module can see; so this is the app's only `APP_GUARD` (app.module.ts),
 * and it runs the others itself, in this order:
 *
 * 1. authentication (`@flowgate/auth`) — who is calling: 401 unless the route is `@Public()`;
 *    failed attempts draw on the client's budget for unauthenticated traffic;
 * 2. authorization (`@flowgate/auth`) — suspended users, the route's role and step-up: 403 / 401,
 *    each refusal audited;
 * 3. rate limits (`@flowgate/traffic`) — counted against the caller identified above (per user,
 *    per IP when public): 429;
 * 4. request shape (`@flowgate/core`) — unknown query parameters, bodies where none is taken: 400,
 *    judged only once the caller is known, allowed and counted.
 *
 * A guard that refuses throws (or returns false: 403, as Nest answers); the ones after it do not
 * run. test/app-wiring.e2e-spec.ts pins this order.
 *
 * The caller's Redis work (principal lookup, rate-limit counters, idempotency marker) goes in one
 * round trip sent by authentication (ADR 28), planned here before the chain; a refusal gives back
 * what no guard after the refusing one claimed, before it is answered, so a refused request has
 * counted and marked exactly what it would have without the batch.
 */
@Injectable()
export class GlobalGuards implements CanActivate {
  /** In the order they run. */
  readonly chain: readonly CanActivate[];
  /** Their span names, in the same order: `guard authentication`, … (ADR 0026). */
  private static readonly SPANS = ['authentication', 'authorization', 'rate limit', 'request shape'].map(
    (name) => `guard ${name}`,
  );

  constructor(
    authentication: AuthenticationGuard,
    authorization: AuthorizationGuard,
    rateLimits: RateLimitGuard,
    requestShape: RequestShapeGuard,
    private readonly roundTrip: CallerRoundTripPlanner,
  ) {
    this.chain = [authentication, authorization, rateLimits, requestShape];
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const batch = this.roundTrip.plan(context);
    try {
      if (await this.runChain(context)) return true;
    } catch (refusal) {
      await batch?.giveBackUnclaimed();
      throw refusal;
    }
    await batch?.giveBackUnclaimed();
    return false;
  }

  private async runChain(context: ExecutionContext): Promise<boolean> {
    for (let index = 0; index < this.chain.length; index += 1) {
      const guard = this.chain[index];
      // A refusal thrown by the guard marks its span as an error (inSpan); the guards after it make
      // none. Untraced, the guard is called directly and a plain boolean is not awaited: every
      // promise a request makes also runs AsyncLocalStorage's hook (docs/performance.md).
      const verdict = tracingActive()
        ? inSpan(GlobalGuards.SPANS[index], async () => verdictOf(guard, context))
        : verdictOf(guard, context);
      const allowed = typeof verdict === 'boolean' ? verdict : await verdict;
      if (!allowed) return false;
    }
    return true;
  }
}

function verdictOf(guard: CanActivate, context: ExecutionContext): boolean | Promise<boolean> {
  const verdict = guard.canActivate(context);
  return isObservable(verdict) ? lastValueFrom(verdict) : verdict;
}
