import { ApiProperty } from '@nestjs/swagger';

export class WorkflowDto {
  id!: string;
  definitionKey!: string;
  /** The definition version this instance runs on, fixed at its start. */
  definitionVersion!: number;
  /** The current state. */
  state!: string;
  /** True once a terminal state is reached; nothing changes it after that. */
  terminal!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: Record<string, unknown> | null;
  /** The user who started it. */
  initiatorId!: string;
  /** The users assigned to it in its current state, in the order they were assigned. */
  assigneeIds!: string[];
  /** Grows with every transition and vote; the ETag is derived from it. */
  version!: number;
  createdAt!: string;
  updatedAt!: string;
}
