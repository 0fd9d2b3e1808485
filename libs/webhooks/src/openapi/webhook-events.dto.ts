import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { WorkflowAssignmentDataDto, WorkflowStartedDataDto, WorkflowTransitionDataDto } from './webhook-event-data.dto';

// The payloads receivers get, one class per event type, in the Standard Webhooks shape (`type`,
// `timestamp`, `data`). `toWebhookMessages` builds them; these classes only describe them, for
// the OpenAPI `webhooks` section and so the generated SDK's types. `data` names its class: the
// swagger plugin as the tests run it does not resolve a property's class by itself.

const TIMESTAMP = { ...API_SCHEMA.dateTime, description: 'When the change happened (committed).' };

export class WorkflowStartedEventDto {
  @ApiProperty({ enum: ['workflow.started'] })
  type!: 'workflow.started';
  @ApiProperty(TIMESTAMP)
  timestamp!: string;
  @ApiProperty({ type: () => WorkflowStartedDataDto })
  data!: WorkflowStartedDataDto;
}

export class WorkflowTransitionedEventDto {
  @ApiProperty({ enum: ['workflow.transitioned'] })
  type!: 'workflow.transitioned';
  @ApiProperty(TIMESTAMP)
  timestamp!: string;
  @ApiProperty({ type: () => WorkflowTransitionDataDto })
  data!: WorkflowTransitionDataDto;
}

export class WorkflowVoteRecordedEventDto {
  @ApiProperty({ enum: ['workflow.vote_recorded'] })
  type!: 'workflow.vote_recorded';
  @ApiProperty(TIMESTAMP)
  timestamp!: string;
  @ApiProperty({ type: () => WorkflowTransitionDataDto })
  data!: WorkflowTransitionDataDto;
}

export class WorkflowCompletedEventDto {
  @ApiProperty({ enum: ['workflow.completed'] })
  type!: 'workflow.completed';
  @ApiProperty(TIMESTAMP)
  timestamp!: string;
  @ApiProperty({ type: () => WorkflowTransitionDataDto })
  data!: WorkflowTransitionDataDto;
}

export class WorkflowAssignmentChangedEventDto {
  @ApiProperty({ enum: ['workflow.assignment_changed'] })
  type!: 'workflow.assignment_changed';
  @ApiProperty(TIMESTAMP)
  timestamp!: string;
  @ApiProperty({ type: () => WorkflowAssignmentDataDto })
  data!: WorkflowAssignmentDataDto;
}
