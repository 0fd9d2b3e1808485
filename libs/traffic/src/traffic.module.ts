import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { FailedAuthentications } from '@flowgate/auth';
import type { FlowgateConfig } from '@flowgate/core';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyMetrics } from './idempotency/idempotency-metrics';
import { IdempotencyPurge } from './idempotency/idempotency-purge';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { FailedAuthenticationLimiter } from './rate-limiting/failed-authentication-limiter';
import { RateLimitGuard, throttlersFor } from './rate-limiting/rate-limit.guard';
import { RateLimiter } from './rate-limiting/rate-limiter';
import { RateLimitMetrics } from './rate-limiting/rate-limit-metrics';
import { RateLimitStorage } from './rate-limiting/rate-limit-storage';

/**
 * Rate limits and idempotency keys. Import after the auth module: the rate-limit guard must run
 * after the authentication guard, since it limits the authenticated caller.
 */
@Module({})
export class TrafficModule {
  static register(config: FlowgateConfig): DynamicModule {
    return {
      module: TrafficModule,
      global: true,
      imports: [ThrottlerModule.forRoot({ throttlers: throttlersFor(config), setHeaders: false })],
      providers: [
        RateLimitMetrics,
        RateLimitStorage,
        RateLimiter,
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: FailedAuthentications, useClass: FailedAuthenticationLimiter },
        IdempotencyMetrics,
        IdempotencyRepository,
        IdempotencyInterceptor,
        IdempotencyPurge,
      ],
      exports: [
        FailedAuthentications,
        IdempotencyInterceptor,
        IdempotencyRepository,
        IdempotencyMetrics,
        IdempotencyPurge,
      ],
    };
  }
}
