import type Redis from 'ioredis';

/**
 * How the Redis-backed parts send commands: through `RedisConnection`'s circuit breaker, so that
 * while Redis is away a call fails at once with `RedisUnavailable` instead of waiting.
 */
export interface RedisCommands {
  run<T>(command: (client: Redis) => Promise<T>): Promise<T>;
}
