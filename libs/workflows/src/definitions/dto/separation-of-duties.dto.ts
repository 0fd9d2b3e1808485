import { ApiProperty } from '@nestjs/swagger';

export class SeparationOfDutiesDto {
  /** The user who started the instance may not take the transition. */
  notInitiator!: boolean;
  /** Whoever took (or voted for) one of these transitions on the instance may not take this one. */
  @ApiProperty({ type: [String] })
  notPreviousActorOf!: readonly string[];
}
