import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';

/** One published version of a definition, without its states and transitions. */
export class WorkflowDefinitionSummaryDto {
  /** @example "purchase-request" */
  key!: string;
  @ApiProperty({ ...API_SCHEMA.counter, example: 1 })
  version!: number;
  /** @example "Purchase request" */
  title!: string;
  description?: string;
  @ApiProperty(API_SCHEMA.dateTime)
  publishedAt!: string;
  /** The admin who published it (user id); null for the seeded examples. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  publishedBy!: string | null;
}
