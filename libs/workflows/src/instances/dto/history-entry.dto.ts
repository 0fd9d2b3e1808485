import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { HISTORY_KINDS, type HistoryKind } from '../workflow-instance';

export class HistoryEntryDto {
  /** 1 for the start, then one per move, vote or assignment change. */
  @ApiProperty(API_SCHEMA.counter)
  seq!: number;
  @ApiProperty({ enum: HISTORY_KINDS })
  kind!: HistoryKind;
  /** Moves and votes: the transition taken. */
  transition!: string | null;
  fromState!: string | null;
  toState!: string;
  /** Who acted: a person, or the system (a timer that fired by itself; docs: "Timers"). */
  @ApiProperty({ enum: ['user', 'system'] })
  actorType!: 'user' | 'system';
  /** The user who acted; null when the system did. */
  @ApiProperty({ ...API_SCHEMA.uuid, nullable: true })
  actorId!: string | null;
  /** Assignment changes: who was assigned, unassigned, or delegated to. */
  @ApiProperty({ ...API_SCHEMA.uuid, nullable: true })
  assigneeId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  input!: Record<string, unknown> | null;
  comment!: string | null;
  @ApiProperty(API_SCHEMA.dateTime)
  occurredAt!: string;
}

export class HistoryListDto {
  @ApiProperty({ type: () => [HistoryEntryDto] })
  value!: HistoryEntryDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
