import { ApiProperty } from '@nestjs/swagger';
import { BrokenLinkDto } from './broken-link.dto';

export class ChainVerificationDto {
  /** True when every checked event is intact and linked to its predecessor. */
  valid!: boolean;
  /** Number of events checked. */
  checked!: number;
  firstSeq!: number | null;
  lastSeq!: number | null;
  @ApiProperty({ type: BrokenLinkDto, required: false })
  brokenAt?: BrokenLinkDto;
}
