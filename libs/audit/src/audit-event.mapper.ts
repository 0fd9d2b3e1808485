import type { StoredAuditEvent } from './audit.repository';
import type { AuditEventDto } from './dto/audit-event.dto';

export function toAuditEventDto({ seq, prevHash, hash, body }: StoredAuditEvent): AuditEventDto {
  return { ...body, seq, prevHash, hash };
}
