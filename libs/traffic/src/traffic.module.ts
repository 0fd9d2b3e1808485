import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { FailedAuthentications } from '@flowgate/auth';
import { DatabaseModule, FlowgateConfig, MetricsModule, RedisModule } from '@flowgate/core';
import { CallerRoundTripPlanner } from './caller-round-trip-planner';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyMetrics } from './idempotency/idempotency-metrics';
import { IdempotencyPurgeJob } from './idempotency/idempotency-purge.job';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { FailedAuthenticationLimiter } from './rate-limiting/failed-authentication-limiter';
import { RateLimitGuard, throttlersFor } from './rate-limiting/rate-limit.guard';
import { RateLimiter } from './rate-limiting/rate-limiter';
import { RateLimitMetrics } from './rate-limiting/rate-limit-metrics';
import { RateLimitStorage } from './rate-limiting/rate-limit-storage';

/**
 * Rate limits and idempotency keys. The rate-limit guard is exported, not registered as a global
 * guard here: the app module's one list of global guards runs it after authentication, since it
 * limits the authenticated caller. `FailedAuthentications`, auth's port, is implemented and
 * exported here (the app module hands this module to `AuthModule.register`).
 *
 * A module whose controllers use `@Idempotent()` imports this one: Nest builds the interceptor in
 * the module of the controller it decorates, which must therefore resolve the interceptor's
 * dependencies — hence the database and Redis modules are re-exported with it.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [FlowgateConfig],
      useFactory: (config: FlowgateConfig) => ({ throttlers: throttlersFor(config), setHeaders: false }),
    }),
    DatabaseModule,
    RedisModule,
    MetricsModule,
  ],
  providers: [
    RateLimitMetrics,
    RateLimitStorage,
    RateLimiter,
    RateLimitGuard,
    CallerRoundTripPlanner,
    { provide: FailedAuthentications, useClass: FailedAuthenticationLimiter },
    IdempotencyMetrics,
    IdempotencyRepository,
    IdempotencyInterceptor,
    IdempotencyPurgeJob,
  ],
  exports: [
    RateLimitGuard,
    CallerRoundTripPlanner,
    FailedAuthentications,
    IdempotencyInterceptor,
    IdempotencyRepository,
    IdempotencyMetrics,
    IdempotencyPurgeJob,
    DatabaseModule,
    RedisModule,
  ],
})
export class TrafficModule {}
