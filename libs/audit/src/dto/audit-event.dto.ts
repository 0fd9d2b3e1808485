import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { AuditActorDto } from './audit-actor.dto';
import { AuditResourceDto } from './audit-resource.dto';

/** Audit sequence numbers are PostgreSQL `bigint`s, read as JSON numbers: exact up to 2^53 - 1. */
export const AUDIT_SEQ = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** A W3C trace id as the API shows and accepts it: 32 lowercase hex digits. */
export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;
const TRACE_ID_SCHEMA = {
  type: 'string',
  pattern: TRACE_ID_PATTERN.source,
  example: '4bf92f3577b34da6a3ce929d0e0e4736',
} as const;

export class AuditEventDto {
  @ApiProperty(API_SCHEMA.uuid)
  id!: string;
  /** Position in the hash chain; null until the worker seals the event (within seconds of its commit). */
  @ApiProperty({ ...AUDIT_SEQ, nullable: true })
  seq!: number | null;
  @ApiProperty(API_SCHEMA.dateTime)
  occurredAt!: string;
  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;
  /** Stable dotted name. @example "user.role_granted" */
  action!: string;
  @ApiProperty({ type: AuditResourceDto })
  resource!: AuditResourceDto;
  @ApiProperty({ enum: ['succeeded', 'denied'] })
  outcome!: 'succeeded' | 'denied';
  /** Snapshot before the change (configured fields redacted). */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  after!: Record<string, unknown> | null;
  requestId!: string | null;
  clientIp!: string | null;
  userAgent!: string | null;
  /**
   * W3C trace id of the request or job that recorded the event, when it was traced: the `traceId`
   * of its problems and log lines. Absent (not null) otherwise, so that events without one hash as
   * they always did.
   */
  @ApiPropertyOptional(TRACE_ID_SCHEMA)
  traceId?: string;
  /** Hash of the previous event (64 zeros for the first); null until sealed. */
  prevHash!: string | null;
  /** SHA-256 over seq, prevHash and every field above (canonical JSON); null until sealed. */
  hash!: string | null;
}
