import { ApiProperty } from '@nestjs/swagger';

/** One published version of a definition, without its states and transitions. */
export class WorkflowDefinitionSummaryDto {
  /** @example "purchase-request" */
  key!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  version!: number;
  /** @example "Purchase request" */
  title!: string;
  description?: string;
  publishedAt!: string;
  /** The admin who published it (user id); null for the seeded examples. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  publishedBy!: string | null;
}
