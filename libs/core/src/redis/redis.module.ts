import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsModule } from '../observability/metrics.module';
import { AtomicCounters } from './atomic-counters';
import { Cache } from './cache';
import { CallerRoundTrip } from './caller-round-trip';
import { DistributedLock } from './distributed-lock';
import { MemoryAtomicCounters } from './memory-atomic-counters';
import { MemoryCache } from './memory-cache';
import { MemoryCallerRoundTrip } from './memory-caller-round-trip';
import { MemoryDistributedLock } from './memory-distributed-lock';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCache } from './redis-cache';
import { RedisCallerRoundTrip } from './redis-caller-round-trip';
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
 * Shared state: the one Redis connection and what is built on it (cache, locks, counters, and one
 * caller's use of all three in one round trip), or their in-process stand-ins. Not global: a module whose providers use them imports it.
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
    {
      provide: CallerRoundTrip,
      inject: [RedisConnection, Cache, AtomicCounters, DistributedLock],
      // The stand-in works on the other stand-ins, so that it counts and leases what they see.
      useFactory: (connection: RedisConnection, cache: Cache, counters: AtomicCounters, locks: DistributedLock) =>
        connection.client ? new RedisCallerRoundTrip(connection) : new MemoryCallerRoundTrip(cache, counters, locks),
    },
  ],
  exports: [RedisConnection, RedisHealthIndicator, Cache, DistributedLock, AtomicCounters, CallerRoundTrip],
})
export class RedisModule {}
