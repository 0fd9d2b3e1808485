import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/roles';
import { HISTORY_KINDS, type HistoryKind } from '../workflow-instance';

// A field of `data` may hold any JSON value; `unknown` alone would be documented as an object.
const ANY_JSON: ApiPropertyOptions = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
    { type: 'null' },
  ],
};

/** One field of `data` a transition's `set` changed. */
export class DataChangeDto {
  /** JSON Pointer into the instance's `data`, e.g. `/approvedAmount`. */
  pointer!: string;
  /** The value before the transition; null when the field was absent. */
  @ApiProperty(ANY_JSON)
  before!: unknown;
  /** The value after the transition. */
  @ApiProperty(ANY_JSON)
  after!: unknown;
}

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
  /** An `assigned` line of a state queued to a role on entry (by the system): the role; null otherwise. */
  @ApiProperty({ enum: ROLES, nullable: true })
  assignedRole!: Role | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  input!: Record<string, unknown> | null;
  comment!: string | null;
  /** Moves whose transition has a `set`: the fields of `data` it changed, before and after; empty otherwise. */
  @ApiProperty({ type: () => [DataChangeDto] })
  changes!: DataChangeDto[];
  @ApiProperty(API_SCHEMA.dateTime)
  occurredAt!: string;
}

export class HistoryListDto {
  @ApiProperty({ type: () => [HistoryEntryDto] })
  value!: HistoryEntryDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
