import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@flowgate/core';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

export class ListAuditEventsQueryDto extends PageQueryDto {
  /** Actor's tenant id. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorTenantId?: string;

  /** Actor's object id. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorObjectId?: string;

  /** @example "user.suspended" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  /** @example "user" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  resourceId?: string;

  @ApiPropertyOptional({ enum: ['succeeded', 'denied'] })
  @IsOptional()
  @IsIn(['succeeded', 'denied'])
  outcome?: 'succeeded' | 'denied';

  /** Events at or after this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Events before this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
