import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/roles';

/** A timer of the current state's transitions, armed when the instance entered it. */
export class PendingTimerDto {
  /** The transition it takes, as the system, at `dueAt` unless someone moves the instance first. */
  transition!: string;
  @ApiProperty(API_SCHEMA.dateTime)
  dueAt!: string;
}

export class WorkflowDto {
  @ApiProperty(API_SCHEMA.uuid)
  id!: string;
  definitionKey!: string;
  /** The definition version this instance runs on, fixed at its start. */
  @ApiProperty(API_SCHEMA.counter)
  definitionVersion!: number;
  /** The current state. */
  state!: string;
  /** True once a terminal state is reached; nothing changes it after that. */
  terminal!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: Record<string, unknown> | null;
  /** The user who started it. */
  @ApiProperty(API_SCHEMA.uuid)
  initiatorId!: string;
  /** The users assigned to it in its current state, in the order they were assigned. */
  @ApiProperty({ type: 'array', items: API_SCHEMA.uuid })
  assigneeIds!: string[];
  /**
   * The role its current state's work is queued to (the state's `assignTo: {"role": …}`): anyone
   * holding it may claim the work, nobody else may be assigned; null when none. Ends with the state.
   */
  @ApiProperty({ enum: ROLES, nullable: true })
  assignedRole!: Role | null;
  /** Timers of this visit to the current state that have not fired yet, soonest first; empty when none. */
  @ApiProperty({ type: () => [PendingTimerDto] })
  pendingTimers!: PendingTimerDto[];
  /** Grows with every transition and vote; the ETag is derived from it. */
  @ApiProperty(API_SCHEMA.counter)
  version!: number;
  @ApiProperty(API_SCHEMA.dateTime)
  createdAt!: string;
  @ApiProperty(API_SCHEMA.dateTime)
  updatedAt!: string;
}
