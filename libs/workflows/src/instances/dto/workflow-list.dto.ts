import { WorkflowDto } from './workflow.dto';

export class WorkflowListDto {
  value!: WorkflowDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
