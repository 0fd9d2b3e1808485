import type { StoredAuditEvent } from './audit.repository';
import type { AuditEventDto } from './dto/audit-event.dto';

export function toAuditEventDto({ seq, prevHash, hash, body }: StoredAuditEvent): AuditEventDto {
  return { ...body, seq, prevHash, hash };
}

/** An event as it stood before it was sealed: what an export shows for events sealed after it began. */
export function toUnsealedAuditEventDto({ body }: StoredAuditEvent): AuditEventDto {
  return { ...body, seq: null, prevHash: null, hash: null };
}

/** One line of an NDJSON export or archive (docs/audit.md): the event's JSON and a newline. */
export function toNdjsonLine(event: AuditEventDto): string {
  return `${JSON.stringify(event)}\n`;
}
