import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { AUDIT_SEQ } from '../../dto/audit-event.dto';

/** A signed statement that the audit chain's head was (seq, hash) at signedAt. */
export class AuditAnchorDto {
  /** The chain position anchored: the event with this seq has this hash. */
  @ApiProperty(AUDIT_SEQ)
  seq!: number;
  /** The hash of the event at seq. */
  @ApiProperty({ type: 'string', pattern: '^[0-9a-f]{64}$' })
  hash!: string;
  @ApiProperty(API_SCHEMA.dateTime)
  signedAt!: string;
  /** The kid of the key that signed it, in GET /v1/audit-events/anchor-keys. */
  keyId!: string;
  /** Compact JWS (ES256) over {seq, hash, signedAt, iss}: the part that proves the rest. */
  jws!: string;
}

export class AuditAnchorListDto {
  @ApiProperty({ type: [AuditAnchorDto] })
  value!: AuditAnchorDto[];
  /** Absolute URL of the next (older) page; absent on the last page. */
  nextLink?: string;
}
