import { Module } from '@nestjs/common';
import { DatabaseModule } from '@flowgate/core';
import { AuditModule } from '../audit.module';
import { AuditPartitionsJob } from './audit-partitions.job';
import { AuditSealer } from './audit-sealer';
import { AuditSealerJob } from './audit-sealer.job';
import { AuditSealingRepository } from './audit-sealing.repository';

/**
 * The worker half of the audit log: the sealer that links events into the hash chain and the
 * partition maintenance, as `WorkerJob`s for the worker's runner. `AuditModule` comes along for
 * the backlog metric on the worker's /metrics.
 */
@Module({
  imports: [DatabaseModule, AuditModule],
  providers: [AuditSealingRepository, AuditSealer, AuditSealerJob, AuditPartitionsJob],
  exports: [AuditSealer, AuditSealerJob, AuditPartitionsJob],
})
export class AuditSealingModule {}
