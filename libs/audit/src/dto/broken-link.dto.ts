import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_SEQ } from './audit-event.dto';

export class BrokenLinkDto {
  /** Sequence number of the first event that does not fit the chain. */
  @ApiProperty(AUDIT_SEQ)
  seq!: number;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'seq_gap', 'seq_out_of_order'] })
  reason!: string;
}
