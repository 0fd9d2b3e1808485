import { ApiPropertyOptional } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { IsISO8601, IsOptional } from 'class-validator';

/** A half-open time range `[from, to)`; either end may be left open. */
export class TimeRangeQueryDto {
  /** Events at or after this instant (ISO 8601). */
  @ApiPropertyOptional(API_SCHEMA.dateTime)
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Events before this instant (ISO 8601). */
  @ApiPropertyOptional(API_SCHEMA.dateTime)
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
