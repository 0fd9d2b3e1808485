import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NAME_PATTERN } from '../../definition/workflow-definition';

export class TransitionRequestDto {
  /** The transition to take. @example "approve" */
  @ApiProperty({ pattern: NAME_PATTERN.source })
  @Matches(NAME_PATTERN, { message: 'name must be a transition name' })
  name!: string;

  /** The transition's payload, validated against its `input` schema. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  /** Kept in the history. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
