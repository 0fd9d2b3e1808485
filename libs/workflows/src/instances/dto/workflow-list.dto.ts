import { ApiProperty } from '@nestjs/swagger';
import { WorkflowDto } from './workflow.dto';

export class WorkflowListDto {
  @ApiProperty({ type: () => [WorkflowDto] })
  value!: WorkflowDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
