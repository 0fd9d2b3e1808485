import { Injectable } from '@nestjs/common';
import type { WorkerJob } from '@flowgate/core';
import { AuditSealingRepository } from './audit-sealing.repository';

/** Months of `audit_events` partitions kept created ahead of the current one. */
export const AUDIT_PARTITION_MONTHS_AHEAD = 3;

/**
 * Keeps the monthly partitions of `audit_events` created ahead (this month and the next three),
 * so that events never land in the default partition. Idempotent and cheap: an hourly run finds
 * them all there but on the first run of a month. Retention (archive, then drop) is
 * `AuditRetentionJob`'s.
 */
@Injectable()
export class AuditPartitionsJob implements WorkerJob {
  readonly name = 'audit-partitions';
  readonly singleton = true;
  readonly idleIntervalMs = 3_600_000;

  constructor(private readonly sealing: AuditSealingRepository) {}

  async runOnce(signal: AbortSignal): Promise<number> {
    if (signal.aborted) return 0;
    return this.sealing.ensurePartitions(AUDIT_PARTITION_MONTHS_AHEAD);
  }
}
