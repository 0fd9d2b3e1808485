import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class DelegateRequestDto {
  /** The user to hand over to: someone who, assigned, could take a transition out of the current state. */
  @ApiProperty(API_SCHEMA.uuid)
  @IsUUID('all', { message: 'to must be a user id' })
  to!: string;

  /** A handover note, kept in the history. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
