import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';

export class RevokedSessionsDto {
  @ApiProperty(API_SCHEMA.uuid)
  userId!: string;
  /** Tokens issued before this instant are rejected from now on, on every instance. */
  @ApiProperty(API_SCHEMA.dateTime)
  sessionsRevokedBefore!: string;
}
