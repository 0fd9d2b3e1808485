import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_SCHEMA, POSTGRES_INTEGER_MAX } from '@flowgate/core';
import { IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { DEFINITION_KEY_PATTERN } from '../../definition/workflow-definition';

export class StartWorkflowDto {
  /** The definition to start. @example "purchase-request" */
  @ApiProperty({ pattern: DEFINITION_KEY_PATTERN.source })
  @Matches(DEFINITION_KEY_PATTERN, { message: 'definitionKey must be a definition key such as purchase-request' })
  definitionKey!: string;

  /** A published version; the latest when omitted. The instance stays on it for its whole life. */
  @ApiPropertyOptional(API_SCHEMA.counter)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(POSTGRES_INTEGER_MAX)
  definitionVersion?: number;

  /** The instance's data, validated against the definition's `dataSchema`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { amount: 1200, currency: 'EUR' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
