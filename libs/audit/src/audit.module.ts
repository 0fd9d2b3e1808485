import { Module } from '@nestjs/common';
import { AccessDenials } from '@flowgate/auth';
import { DatabaseModule, MetricsModule, RedisModule } from '@flowgate/core';
import { AnchorKeyRing } from './anchors/anchor-key-ring';
import { AuditAnchorJob } from './anchors/audit-anchor.job';
import { AuditAnchoring } from './anchors/audit-anchoring';
import { AuditAnchorsController } from './anchors/audit-anchors.controller';
import { AuditAnchorsRepository } from './anchors/audit-anchors.repository';
import { AuditAnchorsService } from './anchors/audit-anchors.service';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditedAccessDenials } from './denials/audited-access-denials';
import { AuditArchivesRepository } from './retention/audit-archives.repository';
import { AuditMetrics } from './sealing/audit-metrics';

/**
 * The append-only, hash-chained audit log. Other libraries record through `AuditService`; the
 * guards report security denials through `AccessDenials`, auth's port that this module implements
 * and exports (modules that record denials import this one; the app module hands it to
 * `AuthModule.register` for the guards). The worker runs its anchor job (`AuditAnchorJob`).
 */
@Module({
  // Denials: their own unit of work, and a counter of the ones that could not be written; the
  // sealing backlog on /metrics (wherever the audit log is served or sealed).
  imports: [DatabaseModule, RedisModule, MetricsModule],
  // The anchors' static paths first, so that they are never read as an event id.
  controllers: [AuditAnchorsController, AuditController],
  providers: [
    AuditRepository,
    AuditAnchorsRepository,
    AnchorKeyRing,
    AuditAnchoring,
    AuditAnchorsService,
    AuditAnchorJob,
    AuditService,
    AuditQueryService,
    AuditMetrics,
    AuditArchivesRepository,
    { provide: AccessDenials, useClass: AuditedAccessDenials },
  ],
  // The rest for the worker's sealing and retention jobs (`AuditSealingModule`, the same library).
  exports: [AuditService, AccessDenials, AuditAnchorJob, AuditRepository, AuditAnchorsService, AuditArchivesRepository],
})
export class AuditModule {}
