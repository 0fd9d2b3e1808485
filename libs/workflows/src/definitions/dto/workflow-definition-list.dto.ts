import { ApiProperty } from '@nestjs/swagger';
import { WorkflowDefinitionSummaryDto } from './workflow-definition-summary.dto';

export class WorkflowDefinitionListDto {
  @ApiProperty({ type: [WorkflowDefinitionSummaryDto] })
  value!: WorkflowDefinitionSummaryDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
