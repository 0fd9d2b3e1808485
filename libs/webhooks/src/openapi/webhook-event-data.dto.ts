import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/auth';

/** What every event's `data` starts with: the instance and the definition version it runs. */
class WorkflowEventDataDto {
  @ApiProperty(API_SCHEMA.uuid)
  workflowId!: string;
  definitionKey!: string;
  @ApiProperty(API_SCHEMA.counter)
  definitionVersion!: number;
}

/** `data` of `workflow.started`. */
export class WorkflowStartedDataDto extends WorkflowEventDataDto {
  /** The initial state. */
  state!: string;
  /** The user who started it. */
  @ApiProperty(API_SCHEMA.uuid)
  initiatorId!: string;
}

/** `data` of `workflow.transitioned`, `workflow.vote_recorded` and `workflow.completed`. */
export class WorkflowTransitionDataDto extends WorkflowEventDataDto {
  /** The transition taken (or voted for). */
  transition!: string;
  from!: string;
  /** The state after it (the same as `from` for a vote that did not reach its quorum). */
  to!: string;
  /** True when `to` is terminal: the workflow is finished. */
  terminal!: boolean;
  /** The user who acted (the system user for a timer). */
  @ApiProperty(API_SCHEMA.uuid)
  actorId!: string;
  /** The instance's version after the change (its ETag): order and deduplicate by it. */
  @ApiProperty(API_SCHEMA.counter)
  version!: number;
}

/** `data` of `workflow.assignment_changed`. */
export class WorkflowAssignmentDataDto extends WorkflowEventDataDto {
  state!: string;
  @ApiProperty({ enum: ['assigned', 'unassigned', 'delegated'] })
  change!: 'assigned' | 'unassigned' | 'delegated';
  /** The user who changed it; null when the system assigned on entering the state (`assignTo`). */
  @ApiProperty({ ...API_SCHEMA.uuid, nullable: true })
  actorId!: string | null;
  /** The person assigned, unassigned or delegated to; null when the state was queued to a role on entry. */
  @ApiProperty({ ...API_SCHEMA.uuid, nullable: true })
  assigneeId!: string | null;
  /** Everyone assigned after the change. */
  @ApiProperty({ type: 'array', items: API_SCHEMA.uuid })
  assigneeIds!: string[];
  /** The role the state's work is queued to (`assignTo: {"role": …}`), for as long as it stays there; null when none. */
  @ApiProperty({ enum: ROLES, nullable: true })
  assignedRole!: Role | null;
  @ApiProperty(API_SCHEMA.counter)
  version!: number;
}
