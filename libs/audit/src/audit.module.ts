import { Module } from '@nestjs/common';
import { AccessDenials } from '@flowgate/auth';
import { DatabaseModule, MetricsModule, RedisModule } from '@flowgate/core';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditedAccessDenials } from './denials/audited-access-denials';
import { AuditMetrics } from './sealing/audit-metrics';

/**
 * The append-only, hash-chained audit log. Other libraries record through `AuditService`; the
 * guards report security denials through `AccessDenials`, auth's port that this module implements
 * and exports (modules that record denials import this one; the app module hands it to
 * `AuthModule.register` for the guards).
 */
@Module({
  // Denials: their own unit of work, and a counter of the ones that could not be written; the
  // sealing backlog on /metrics (wherever the audit log is served or sealed).
  imports: [DatabaseModule, RedisModule, MetricsModule],
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditService,
    AuditQueryService,
    AuditMetrics,
    { provide: AccessDenials, useClass: AuditedAccessDenials },
  ],
  exports: [AuditService, AccessDenials],
})
export class AuditModule {}
