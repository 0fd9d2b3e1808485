import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Matches, Min } from 'class-validator';
import { DEFINITION_KEY_PATTERN } from '../../definition/workflow-definition';

export class StartWorkflowDto {
  /** The definition to start. @example "purchase-request" */
  @ApiProperty({ pattern: DEFINITION_KEY_PATTERN.source })
  @Matches(DEFINITION_KEY_PATTERN, { message: 'definitionKey must be a definition key such as purchase-request' })
  definitionKey!: string;

  /** A published version; the latest when omitted. The instance stays on it for its whole life. */
  @IsOptional()
  @IsInt()
  @Min(1)
  definitionVersion?: number;

  /** The instance's data, validated against the definition's `dataSchema`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { amount: 1200, currency: 'EUR' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
