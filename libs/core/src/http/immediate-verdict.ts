import type { ExecutionContext } from '@nestjs/common';

/**
 * A guard that can answer some routes without a promise although its `canActivate` must return
 * one (a signature it inherits, as the throttler's). The app's guard chain (`GlobalGuards`) asks
 * `verdictNow` instead of `canActivate` when a guard has it: on Node 20 every promise a request
 * makes also runs `AsyncLocalStorage`'s hook (docs/performance.md), and a route the guard has
 * nothing to do for (a liveness probe exempt from rate limits) should not pay for one.
 */
export interface ImmediateVerdict {
  /** `true` at once when there is nothing to check; otherwise what `canActivate` answers. */
  verdictNow(context: ExecutionContext): boolean | Promise<boolean>;
}
