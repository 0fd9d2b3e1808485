import type { CoreConfig, EnvReader } from '@flowgate/core';
import { type AnchorConfig, readAnchorConfig } from './anchors/anchor.config';
import { type AuditRetentionConfig, readAuditRetentionConfig } from './retention/audit-retention.config';

export interface AuditConfig {
  /** Field names (any depth, case-insensitive) whose values are replaced before an event is stored. */
  readonly redactFields: readonly string[];
  /**
   * Identical denials (same principal, action, resource and reason) within this window after the
   * first are counted, and written as one event when it closes, instead of one event each.
   */
  readonly denialWindowMs: number;
  /** Signed anchors of the chain head (`AUDIT_ANCHOR_*`, docs/adr/0019). */
  readonly anchors: AnchorConfig;
  /** How long the sealer waits after a run that found nothing final to seal (`AUDIT_SEAL_INTERVAL_MS`). */
  readonly sealIntervalMs: number;
  /** Events sealed per transaction (`AUDIT_SEAL_BATCH_SIZE`). */
  readonly sealBatchSize: number;
  /** Monthly partitions archived and dropped after `AUDIT_RETENTION_MONTHS` (kept forever by default). */
  readonly retention: AuditRetentionConfig;
}

declare module '@flowgate/core' {
  interface FlowgateConfig {
    readonly audit: AuditConfig;
  }
}

/** The `audit` section (`AUDIT_*`), registered with the core loader by the composition root. */
export function readAuditConfig(env: EnvReader, core: CoreConfig): AuditConfig {
  return {
    redactFields: env.list('AUDIT_REDACT_FIELDS', [
      'password',
      'secret',
      'token',
      'accessToken',
      'refreshToken',
      'clientSecret',
      'authorization',
    ]),
    denialWindowMs: env.integer('AUDIT_DENIAL_WINDOW_SECONDS', 60, { min: 1, max: 3_600 }) * 1000,
    anchors: readAnchorConfig(env, core),
    // Idle polls are one probe of a small partial index; 250 ms keeps sealing well inside 2 s.
    sealIntervalMs: env.integer('AUDIT_SEAL_INTERVAL_MS', 250, { min: 10, max: 60_000 }),
    sealBatchSize: env.integer('AUDIT_SEAL_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
    retention: readAuditRetentionConfig(env),
  };
}
