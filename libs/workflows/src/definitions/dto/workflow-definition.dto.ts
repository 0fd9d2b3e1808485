import { ApiProperty } from '@nestjs/swagger';
import { DefinitionContentDto } from './definition-content.dto';
import { WorkflowDefinitionSummaryDto } from './workflow-definition-summary.dto';

/** One published version of a definition, in full. */
export class WorkflowDefinitionDto extends WorkflowDefinitionSummaryDto {
  @ApiProperty({ type: DefinitionContentDto })
  definition!: DefinitionContentDto;
}
