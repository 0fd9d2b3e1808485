import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { PageQueryDto } from '@flowgate/core';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
}
