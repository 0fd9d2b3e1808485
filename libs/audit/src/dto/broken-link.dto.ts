import { ApiProperty } from '@nestjs/swagger';

export class BrokenLinkDto {
  /** Sequence number of the first event that does not fit the chain. */
  seq!: number;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'seq_gap', 'seq_out_of_order'] })
  reason!: string;
}
