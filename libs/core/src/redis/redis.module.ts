import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsModule } from '../observability/metrics.module';
import { AtomicCounters } from './atomic-counters';
import { Cache } from './cache';
import { DistributedLock } from './distributed-lock';
import { MemoryAtomicCounters } from './memory-atomic-counters';
import { MemoryCache } from './memory-cache';
import { MemoryDistributedLock } from './memory-distributed-lock';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCache } from './redis-cache';
import { RedisConnection } from './redis-connection';
import { RedisDistributedLock } from './redis-distributed-lock';
import { RedisHealthIndicator } from './redis-health.indicator';

/** Picks the Redis-backed implementation (commands through the connection's circuit breaker)
 * when `REDIS_URL` is set, the in-process one otherwise (development only: configuration refuses
 * production without Redis). */
function byMode<T>(redis: (connection: RedisConnection) => T, memory: () => T) {
  return (connection: RedisConnection): T => (connection.client ? redis(connection) : memory());
}

/**
 * Shared state: the one Redis connection and what is built on it (cache, locks, counters), or their
 * in-process stand-ins. Not global: a module whose providers use them imports it.
 */
@Module({
  imports: [TerminusModule, MetricsModule],
  providers: [
    RedisConnection,
    RedisHealthIndicator,
    {
      provide: Cache,
      inject: [RedisConnection],
      useFactory: byMode<Cache>(
        (c) => new RedisCache(c),
        () => new MemoryCache(),
      ),
    },
    {
      provide: DistributedLock,
      inject: [RedisConnection],
      useFactory: byMode<DistributedLock>(
        (c) => new RedisDistributedLock(c),
        () => new MemoryDistributedLock(),
      ),
    },
    {
      provide: AtomicCounters,
      inject: [RedisConnection],
      useFactory: byMode<AtomicCounters>(
        (c) => new RedisAtomicCounters(c),
        () => new MemoryAtomicCounters(),
      ),
    },
  ],
  exports: [RedisConnection, RedisHealthIndicator, Cache, DistributedLock, AtomicCounters],
})
export class RedisModule {}
