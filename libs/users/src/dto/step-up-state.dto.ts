import { ApiProperty } from '@nestjs/swagger';

export class StepUpStateDto {
  /** Whether this token satisfies step-up-protected operations now. */
  satisfied!: boolean;
  /** Why not, when it does not. */
  @ApiProperty({ enum: ['no_strong_authentication', 'authentication_too_old'], required: false })
  reason?: string;
}
