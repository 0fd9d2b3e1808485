import type { RedisClient } from './redis-client';

/**
 * How the Redis-backed parts send commands: through `RedisConnection`'s circuit breaker, so that
 * while Redis is away a call fails at once with `RedisUnavailable` instead of waiting.
 */
export interface RedisCommands {
  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T>;
}
