import { Injectable } from '@nestjs/common';
import type { WorkerJob } from '@flowgate/core';
import { AuditArchiver } from './audit-archiver';

/**
 * Archives and drops the monthly `audit_events` partitions older than `AUDIT_RETENTION_MONTHS`
 * (nothing when it is unset, the default). Hourly is plenty: a partition expires once a month. A
 * singleton under the fenced lock; the archiving lock in the database keeps a second run harmless.
 */
@Injectable()
export class AuditRetentionJob implements WorkerJob {
  readonly name = 'audit-retention';
  readonly singleton = true;
  readonly idleIntervalMs = 3_600_000;

  constructor(private readonly archiver: AuditArchiver) {}

  runOnce(signal: AbortSignal): Promise<number> {
    return this.archiver.archiveExpired(signal);
  }
}
