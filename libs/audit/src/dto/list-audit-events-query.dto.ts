import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { PageQueryDto } from '@flowgate/core';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TRACE_ID_PATTERN } from './audit-event.dto';
import { TimeRangeQueryDto } from './time-range-query.dto';

export class ListAuditEventsQueryDto extends IntersectionType(PageQueryDto, TimeRangeQueryDto) {
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

  /**
   * The events recorded in one trace: the `traceId` of a problem or a log line (32 lowercase hex
   * digits). @example "4bf92f3577b34da6a3ce929d0e0e4736"
   */
  @ApiPropertyOptional({ pattern: TRACE_ID_PATTERN.source })
  @IsOptional()
  @Matches(TRACE_ID_PATTERN, { message: 'traceId must be a W3C trace id: 32 lowercase hex digits' })
  traceId?: string;
}
