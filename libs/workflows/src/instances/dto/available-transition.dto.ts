import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFINITION_LIMITS } from '../../definition/workflow-definition';
import { DENIAL_REASONS } from '../../engine/decision';

export class AvailableTransitionDto {
  name!: string;
  title?: string;
  /** The state it leads to. */
  to!: string;
  /** Whether you may take it now (its input is checked only when you do). */
  allowed!: boolean;
  /** Why not, as a stable code. */
  @ApiPropertyOptional({ enum: DENIAL_REASONS })
  reason?: string;
  /** Why not, for people. */
  detail?: string;
  /** For a quorum transition: distinct votes so far, and how many it needs. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: DEFINITION_LIMITS.maxQuorum })
  votes?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: DEFINITION_LIMITS.minQuorum, maximum: DEFINITION_LIMITS.maxQuorum })
  required?: number;
}

export class AvailableTransitionsDto {
  /** The instance's current state. */
  state!: string;
  @ApiProperty({ type: [AvailableTransitionDto] })
  value!: AvailableTransitionDto[];
}
