import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { AuthenticationGuard, AuthorizationGuard } from '@flowgate/auth';
import { type CallerBatch, type ImmediateVerdict, inSpan, RequestShapeGuard, tracingActive } from '@flowgate/core';
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

  /**
   * Synchronous while every guard answers a plain boolean (a public route's authentication, an
   * exempt route's rate limit, authorization and request shape when they allow): Nest awaits the
   * answer either way, and every promise a request makes also runs `AsyncLocalStorage`'s hook on
   * Node 20 (docs/performance.md).
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const batch = this.roundTrip.plan(context);
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = this.runChain(context, 0);
    } catch (refusal) {
      return givenBackThenThrown(batch, refusal);
    }
    if (typeof verdict === 'boolean') return verdict || givenBackThen(batch, false);
    return verdict.then(
      (allowed) => allowed || givenBackThen(batch, false),
      (refusal: unknown) => givenBackThenThrown(batch, refusal),
    );
  }

  /** The guards from `index` on, in order; a plain boolean is taken as it is, a promise awaited. */
  private runChain(context: ExecutionContext, index: number): boolean | Promise<boolean> {
    for (let at = index; at < this.chain.length; at += 1) {
      // A refusal thrown by the guard marks its span as an error (inSpan); the guards after it make
      // none. Untraced, the guard is called directly.
      const guard = this.chain[at];
      const verdict = tracingActive()
        ? inSpan(GlobalGuards.SPANS[at], async () => verdictOf(guard, context))
        : verdictOf(guard, context);
      if (typeof verdict !== 'boolean') {
        return verdict.then((allowed) => allowed && this.runChain(context, at + 1));
      }
      if (!verdict) return false;
    }
    return true;
  }
}

/** A refused request gives back what no guard after the refusing one claimed, then is refused. */
async function givenBackThen(batch: CallerBatch | undefined, verdict: false): Promise<false> {
  await batch?.giveBackUnclaimed();
  return verdict;
}

async function givenBackThenThrown(batch: CallerBatch | undefined, refusal: unknown): Promise<never> {
  await batch?.giveBackUnclaimed();
  throw refusal;
}

/** A guard's verdict: `verdictNow` where the guard has it (`ImmediateVerdict`), an Observable's last value. */
function verdictOf(
  guard: CanActivate & Partial<ImmediateVerdict>,
  context: ExecutionContext,
): boolean | Promise<boolean> {
  const verdict = guard.verdictNow ? guard.verdictNow(context) : guard.canActivate(context);
  return isObservable(verdict) ? lastValueFrom(verdict) : verdict;
}
