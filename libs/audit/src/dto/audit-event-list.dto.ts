import { ApiProperty } from '@nestjs/swagger';
import { AuditEventDto } from './audit-event.dto';

export class AuditEventListDto {
  @ApiProperty({ type: [AuditEventDto] })
  value!: AuditEventDto[];
  /** Absolute URL of the next (older) page; absent on the last page. */
  nextLink?: string;
}
