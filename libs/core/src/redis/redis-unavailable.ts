/**
 * A Redis call refused because Redis is away: the circuit breaker is open, or the call was
 * in flight when the connection was lost or Redis stopped answering. Callers fall back (ADR 9)
 * without logging: `RedisConnection` logs the outage once, when the breaker opens.
 */
export class RedisUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailable';
  }
}
