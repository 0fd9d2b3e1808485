import { IsISO8601, IsOptional } from 'class-validator';

export class VerifyAuditChainQueryDto {
  /** Verify events at or after this instant (default: from the first event). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Verify events before this instant (default: to the latest event). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
