import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';

/** `top` and `cursor`, shared by every collection endpoint. */
export class PageQueryDto {
  /** Page size. */
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  top: number = DEFAULT_PAGE_SIZE;

  /** Opaque position from a previous page's `nextLink`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
