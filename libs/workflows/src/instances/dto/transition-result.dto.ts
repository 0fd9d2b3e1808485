import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WorkflowDto } from './workflow.dto';

export class TransitionResultDto {
  /** `moved`: the instance changed state. `voted`: a quorum vote was recorded, the state is unchanged. */
  @ApiProperty({ enum: ['moved', 'voted'] })
  outcome!: 'moved' | 'voted';
  transition!: string;
  /** For a quorum transition: distinct votes so far, and how many it needs. */
  @ApiPropertyOptional({ type: 'integer' })
  votes?: number;
  @ApiPropertyOptional({ type: 'integer' })
  required?: number;
  /** The instance after the transition. */
  @ApiProperty({ type: () => WorkflowDto })
  workflow!: WorkflowDto;
}
