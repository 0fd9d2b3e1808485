import { Controller, Get } from '@nestjs/common';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import { Authenticated } from '@flowgate/auth';

/**
 * Routes with their own budgets, for the rate-limit tests: a fixed `@Throttle()` override, one
 * resolved per request (a function), and a route that skips the principal policy.
 */
@Controller({ path: 'probes/budgets', version: '1' })
export class RateLimitProbeController {
  @Get('fixed')
  @Authenticated()
  @Throttle({ principal: { limit: 2, ttl: 60_000 } })
  fixed(): { ok: true } {
    return { ok: true };
  }

  @Get('resolved')
  @Authenticated()
  @Throttle({ principal: { limit: () => 3, ttl: 60_000 } })
  resolved(): { ok: true } {
    return { ok: true };
  }

  @Get('skipped')
  @Authenticated()
  @SkipThrottle({ principal: true })
  skipped(): { ok: true } {
    return { ok: true };
  }
}
