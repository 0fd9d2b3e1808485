import { EnvReader } from './env-reader';

export interface RedisConfig {
  /** Absent only in development, where in-process stand-ins (valid for one instance) are used. */
  readonly url: string | undefined;
  /** Prepended to every key, so several environments can share one Redis safely. */
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
  /** How long one command may wait for Redis before it fails and opens the circuit breaker. */
  readonly commandTimeoutMs: number;
  /** While the breaker is open (Redis away), how often a PING checks whether Redis is back. */
  readonly breakerProbeIntervalMs: number;
}

export function readRedisConfig(env: EnvReader): RedisConfig {
  const keyPrefix = env.string('REDIS_KEY_PREFIX', 'flowgate:');
  if (!/^[\w.:-]{1,64}$/.test(keyPrefix)) {
    env.report('REDIS_KEY_PREFIX', `must be 1-64 letters, digits or . _ : - (got "${keyPrefix}")`);
  }
  return {
    url: env.url('REDIS_URL', ['redis', 'rediss']),
    keyPrefix,
    connectTimeoutMs: env.integer('REDIS_CONNECT_TIMEOUT_MS', 5_000, { min: 100, max: 60_000 }),
    commandTimeoutMs: env.integer('REDIS_COMMAND_TIMEOUT_MS', 2_000, { min: 50, max: 60_000 }),
    breakerProbeIntervalMs: env.integer('REDIS_BREAKER_PROBE_INTERVAL_MS', 1_000, { min: 100, max: 60_000 }),
  };
}
