import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFINITION_LIMITS } from '../../definition/workflow-definition';
import { WorkflowDto } from './workflow.dto';

export class TransitionResultDto {
  /** `moved`: the instance changed state. `voted`: a quorum vote was recorded, the state is unchanged. */
  @ApiProperty({ enum: ['moved', 'voted'] })
  outcome!: 'moved' | 'voted';
  transition!: string;
  /** For a quorum transition: distinct votes so far, and how many it needs. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: DEFINITION_LIMITS.maxQuorum })
  votes?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: DEFINITION_LIMITS.minQuorum, maximum: DEFINITION_LIMITS.maxQuorum })
  required?: number;
  /** The instance after the transition. */
  @ApiProperty({ type: () => WorkflowDto })
  workflow!: WorkflowDto;
}
