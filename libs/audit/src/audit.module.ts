import { Global, Module } from '@nestjs/common';
import { AccessDenials } from '@flowgate/auth';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditedAccessDenials } from './denials/audited-access-denials';

/** The append-only, hash-chained audit log. Other libraries record through `AuditService`;
 * the guards report security denials through `AccessDenials`. */
@Global()
@Module({
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
