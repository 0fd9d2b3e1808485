import { IsISO8601, IsOptional } from 'class-validator';

export class ExportAuditEventsQueryDto {
  /** Events at or after this instant (ISO 8601); default: the first event. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Events before this instant (ISO 8601); default: now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
