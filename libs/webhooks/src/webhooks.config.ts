import type { CoreConfig, EnvReader } from '@flowgate/core';
import { parseAddressRanges } from './policy/address-policy';

export interface WebhooksConfig {
  /**
   * AES-256-GCM key (32 bytes, base64; a string because the configuration is deep-frozen) that seals
   * signing secrets at rest. Required in production; without it (development, tests) secrets are
   * stored unsealed, marked as such.
   */
  readonly secretsKey: string | undefined;
  /** Address ranges (CIDR or single addresses) a receiver may resolve to although they are internal. */
  readonly allowedTargets: readonly string[];
  /** Receivers must use https (always in production). */
  readonly requireHttps: boolean;
  /** One attempt's whole time: connect, send, status line. */
  readonly requestTimeoutMs: number;
  /** Attempts before a delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** The first retry's delay; each next one doubles, up to `retryMaxDelayMs`, with jitter. */
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** How long a claimed delivery is held before another deliverer may take it (a crashed one's). */
  readonly leaseMs: number;
  /** Consecutive failed attempts after which the endpoint is paused. */
  readonly pauseAfterFailures: number;
  /** How long the secret replaced by a rotation keeps signing alongside the new one. */
  readonly rotationWindowSeconds: number;
  /** Outbox events the relay publishes per transaction. */
  readonly relayBatchSize: number;
  /** Deliveries one deliverer sends at once. */
  readonly deliveryConcurrency: number;
  /** How long a job that found nothing to do waits before looking again. */
  readonly idleIntervalMs: number;
  /** Published outbox events and finished deliveries (the delivery log) are kept this many days. */
  readonly retentionDays: number;
  /** How often the retention purge runs (once per interval for the whole deployment). */
  readonly retentionIntervalSeconds: number;
}

declare module '@flowgate/core' {
  interface FlowgateConfig {
    readonly webhooks: WebhooksConfig;
  }
}

/** The `webhooks` section (`WEBHOOK_*`), registered with the core loader by the composition roots. */
export function readWebhooksConfig(env: EnvReader, { app }: CoreConfig): WebhooksConfig {
  const production = app.environment === 'production';
  const requireHttps = env.boolean('WEBHOOK_REQUIRE_HTTPS', production);
  if (production && !requireHttps) env.report('WEBHOOK_REQUIRE_HTTPS', 'cannot be turned off when NODE_ENV=production');
  const allowedTargets = env.list('WEBHOOK_ALLOWED_TARGETS');
  const bad = parseAddressRanges(allowedTargets).invalid;
  if (bad.length > 0)
    env.report('WEBHOOK_ALLOWED_TARGETS', `must list IP addresses or CIDR ranges (got "${bad.join('", "')}")`);
  const retryBaseDelayMs = env.integer('WEBHOOK_RETRY_BASE_MS', 5_000, { min: 10, max: 3_600_000 });
  return {
    secretsKey: readSecretsKey(env, production),
    allowedTargets,
    requireHttps,
    requestTimeoutMs: env.integer('WEBHOOK_REQUEST_TIMEOUT_MS', 10_000, { min: 100, max: 60_000 }),
    maxAttempts: env.integer('WEBHOOK_MAX_ATTEMPTS', 12, { min: 1, max: 30 }),
    retryBaseDelayMs,
    retryMaxDelayMs: Math.max(
      retryBaseDelayMs,
      env.integer('WEBHOOK_RETRY_MAX_MS', 3_600_000, { min: 10, max: 86_400_000 }),
    ),
    leaseMs: env.integer('WEBHOOK_LEASE_MS', 60_000, { min: 500, max: 3_600_000 }),
    pauseAfterFailures: env.integer('WEBHOOK_PAUSE_AFTER_FAILURES', 50, { min: 1, max: 10_000 }),
    rotationWindowSeconds: env.integer('WEBHOOK_SECRET_ROTATION_WINDOW_SECONDS', 86_400, { min: 0, max: 30 * 86_400 }),
    relayBatchSize: env.integer('WEBHOOK_RELAY_BATCH_SIZE', 100, { min: 1, max: 1_000 }),
    deliveryConcurrency: env.integer('WEBHOOK_DELIVERY_CONCURRENCY', 16, { min: 1, max: 256 }),
    idleIntervalMs: env.integer('WEBHOOK_IDLE_INTERVAL_MS', 500, { min: 10, max: 60_000 }),
    retentionDays: env.integer('WEBHOOK_RETENTION_DAYS', 30, { min: 1, max: 3_650 }),
    retentionIntervalSeconds: env.integer('WEBHOOK_RETENTION_INTERVAL_SECONDS', 3_600, { min: 10, max: 86_400 }),
  };
}

function readSecretsKey(env: EnvReader, production: boolean): string | undefined {
  const value = env.raw('WEBHOOK_SECRETS_KEY');
  if (value === undefined) {
    if (production) env.report('WEBHOOK_SECRETS_KEY', 'is required when NODE_ENV=production (32 random bytes, base64)');
    return undefined;
  }
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64') !== value) {
    env.report('WEBHOOK_SECRETS_KEY', 'must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32)');
    return undefined;
  }
  return value;
}
