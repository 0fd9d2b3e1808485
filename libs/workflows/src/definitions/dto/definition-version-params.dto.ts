import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { POSTGRES_INTEGER_MAX } from '@flowgate/core';
import { DefinitionKeyParamsDto } from './definition-key-params.dto';

/** Versions are PostgreSQL integers: a larger number could never name one. */
const MAX_VERSION = POSTGRES_INTEGER_MAX;

export class DefinitionVersionParamsDto extends DefinitionKeyParamsDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, example: 1 })
  // Digits only: Number() would also read `1e3`, `0x10` or ` 1` as a version.
  @Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : Number.NaN))
  @IsInt({ message: 'version must be a positive integer' })
  @Min(1, { message: 'version must be a positive integer' })
  @Max(MAX_VERSION, { message: `version must be at most ${MAX_VERSION}` })
  version!: number;
}
