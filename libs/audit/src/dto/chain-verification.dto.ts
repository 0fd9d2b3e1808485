import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_SEQ } from './audit-event.dto';
import { BrokenLinkDto } from './broken-link.dto';
import { ChainContinuationDto } from './chain-continuation.dto';

export class ChainVerificationDto {
  /** True when every checked event is intact and linked to its predecessor. */
  valid!: boolean;
  /** Number of events checked. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  checked!: number;
  @ApiProperty({ ...AUDIT_SEQ, nullable: true })
  firstSeq!: number | null;
  @ApiProperty({ ...AUDIT_SEQ, nullable: true })
  lastSeq!: number | null;
  @ApiProperty({ type: BrokenLinkDto, required: false })
  brokenAt?: BrokenLinkDto;
  /**
   * Present once retention has archived and dropped old partitions: the newest archive, whose last
   * hash the first retained event must link to (verify older events offline, from the archive files).
   */
  @ApiProperty({ type: ChainContinuationDto, required: false })
  continuesFrom?: ChainContinuationDto;
  /** Events (in the range) not sealed into the chain yet, so not covered by this verdict. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  unsealed!: number;
  /** Age in milliseconds of the oldest of those (normally under a second); null when there are none. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, nullable: true })
  oldestUnsealedMs!: number | null;
}
