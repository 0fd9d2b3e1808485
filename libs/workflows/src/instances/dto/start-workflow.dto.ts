import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Matches, Min } from 'class-validator';

export class StartWorkflowDto {
  /** The definition to start. @example "purchase-request" */
  @Matches(/^[a-z][a-z0-9-]{1,62}$/, { message: 'definitionKey must be a definition key such as purchase-request' })
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
