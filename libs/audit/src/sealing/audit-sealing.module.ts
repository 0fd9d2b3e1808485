import { Module } from '@nestjs/common';
import { DatabaseModule } from '@flowgate/core';
import { AuditModule } from '../audit.module';
import { AuditArchiver } from '../retention/audit-archiver';
import { AuditRetentionJob } from '../retention/audit-retention.job';
import { AuditPartitionsJob } from './audit-partitions.job';
import { AuditSealer } from './audit-sealer';
import { AuditSealerJob } from './audit-sealer.job';
import { AuditSealingRepository } from './audit-sealing.repository';

/**
 * The worker half of the audit log: the sealer that links events into the hash chain and the
 * partition maintenance (created ahead; archived and dropped after the retention), as `WorkerJob`s for the worker's runner. `AuditModule` comes along for
 * the backlog metric on the worker's /metrics.
 */
@Module({
  imports: [DatabaseModule, AuditModule],
  providers: [
    AuditSealingRepository,
    AuditSealer,
    AuditSealerJob,
    AuditPartitionsJob,
    AuditArchiver,
    AuditRetentionJob,
  ],
  exports: [AuditSealer, AuditSealerJob, AuditPartitionsJob, AuditRetentionJob],
})
export class AuditSealingModule {}
