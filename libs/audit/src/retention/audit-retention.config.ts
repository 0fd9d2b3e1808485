import { isAbsolute, resolve } from 'node:path';
import type { EnvReader } from '@flowgate/core';

/** How long audit partitions stay in the database, and where they go before they are dropped. */
export interface AuditRetentionConfig {
  /**
   * Whole months a monthly partition is kept after it ends (`AUDIT_RETENTION_MONTHS`); undefined
   * keeps every partition forever (the default).
   */
  readonly months: number | undefined;
  /** Absolute path of the directory archives are written to (`AUDIT_ARCHIVE_DIR`); set when `months` is. */
  readonly archiveDir: string | undefined;
}

/** Up to 100 years: anything longer is "forever", which is the default already. */
const MAX_MONTHS = 1_200;

/** The retention settings of the audit section. */
export function readAuditRetentionConfig(env: EnvReader): AuditRetentionConfig {
  const rawMonths = env.raw('AUDIT_RETENTION_MONTHS');
  // A month at least: the month being written and the last one must never be dropped, and a zero
  // that meant "no retention" would drop everything but the current month.
  const months = rawMonths === undefined ? undefined : env.integer('AUDIT_RETENTION_MONTHS', 0, { min: 1, max: MAX_MONTHS }); // prettier-ignore
  const dir = env.raw('AUDIT_ARCHIVE_DIR');
  if (rawMonths !== undefined && dir === undefined) {
    env.report('AUDIT_ARCHIVE_DIR', 'is required when AUDIT_RETENTION_MONTHS is set (a directory on a durable volume; partitions are archived there before they are dropped)'); // prettier-ignore
  }
  return {
    months: months === 0 ? undefined : months,
    archiveDir: dir === undefined ? undefined : isAbsolute(dir) ? dir : resolve(dir),
  };
}
