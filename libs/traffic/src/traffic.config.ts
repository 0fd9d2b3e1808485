import type { EnvReader } from '@flowgate/core';

/** A named rate-limit budget: `limit` requests per `windowSeconds`, one budget per tracker. */
export interface RateLimitPolicy {
  readonly name: RateLimitPolicyName;
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * `principal`: every authenticated route, per caller. `sensitive`: added on routes that change
 * access or issue tokens, per caller (per IP where there is no caller). `anonymous`: public routes,
 * per client IP.
 */
export const RATE_LIMIT_POLICY_NAMES = ['principal', 'sensitive', 'anonymous'] as const;
export type RateLimitPolicyName = (typeof RATE_LIMIT_POLICY_NAMES)[number];

export interface TrafficConfig {
  readonly rateLimits: Readonly<Record<RateLimitPolicyName, RateLimitPolicy>>;
  /** How long a stored idempotent response is replayed (and its key reserved). */
  readonly idempotencyRetentionSeconds: number;
  /** How often one instance purges expired idempotency records. */
  readonly idempotencyPurgeIntervalSeconds: number;
  /**
   * The in-flight marker's lease: its live owner renews it every third of this while the request
   * runs, so it only ever expires when the owner died, and a retry after a crash gets 409 for at
   * most this long.
   */
  readonly idempotencyMarkerLeaseMs: number;
}

const DEFAULTS: Readonly<Record<RateLimitPolicyName, string>> = {
  principal: '600/60s',
  sensitive: '30/60s',
  anonymous: '120/60s',
};

declare module '@flowgate/core' {
  interface FlowgateConfig {
    readonly traffic: TrafficConfig;
  }
}

/**
 * The `traffic` section (`RATE_LIMIT_*`, `IDEMPOTENCY_*`), registered with the core loader by the
 * composition root.
 */
export function readTrafficConfig(env: EnvReader): TrafficConfig {
  const policy = (name: RateLimitPolicyName): RateLimitPolicy => {
    const variable = `RATE_LIMIT_${name.toUpperCase()}`;
    const value = env.string(variable, DEFAULTS[name]);
    const match = /^(\d{1,7})\/(\d{1,6})s$/.exec(value);
    const limit = Number(match?.[1]);
    const windowSeconds = Number(match?.[2]);
    if (!match || limit < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
      env.report(
        variable,
        `must be <requests>/<seconds>s, e.g. ${DEFAULTS[name]}, with a window of 1 to 86400 s (got "${value}")`,
      );
      return parsePolicy(name, DEFAULTS[name]);
    }
    return { name, limit, windowSeconds };
  };
  return {
    rateLimits: { principal: policy('principal'), sensitive: policy('sensitive'), anonymous: policy('anonymous') },
    idempotencyRetentionSeconds: env.integer('IDEMPOTENCY_RETENTION_HOURS', 24, { min: 1, max: 24 * 30 }) * 3_600,
    idempotencyPurgeIntervalSeconds: env.integer('IDEMPOTENCY_PURGE_INTERVAL_SECONDS', 300, { min: 1, max: 86_400 }),
    idempotencyMarkerLeaseMs: env.integer('IDEMPOTENCY_MARKER_LEASE_MS', 5_000, { min: 500, max: 60_000 }),
  };
}

function parsePolicy(name: RateLimitPolicyName, value: string): RateLimitPolicy {
  const [limit, window] = value.split('/');
  return { name, limit: Number(limit), windowSeconds: Number(window.replace(/s$/, '')) };
}
