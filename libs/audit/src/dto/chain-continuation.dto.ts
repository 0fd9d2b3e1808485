import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_SEQ } from './audit-event.dto';

/** The archive a verification started after: the events up to its last seq were dropped from the database. */
export class ChainContinuationDto {
  /** The partition archived and dropped (`audit_events_yYYYYmMM`); its file is `audit-<partition>.ndjson`. */
  partition!: string;
  /** The last seq of that archive: the verified chain starts at the next one, linked to its hash. */
  @ApiProperty(AUDIT_SEQ)
  lastSeq!: number;
}
