import { Module } from '@nestjs/common';
import { AccessDenials } from '@flowgate/auth';
import { DatabaseModule, RedisModule } from '@flowgate/core';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditedAccessDenials } from './denials/audited-access-denials';

/**
 * The append-only, hash-chained audit log. Other libraries record through `AuditService`; the
 * guards report security denials through `AccessDenials`, auth's port that this module implements
 * and exports (modules that record denials import this one; the app module hands it to
 * `AuthModule.register` for the guards).
 */
@Module({
  // Denials: their own unit of work, and a counter of the ones that could not be written.
  imports: [DatabaseModule, RedisModule],
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditService,
    AuditQueryService,
    { provide: AccessDenials, useClass: AuditedAccessDenials },
  ],
  exports: [AuditService, AccessDenials],
})
export class AuditModule {}
