import type { OpenApiWebhook } from '@flowgate/core';
import type { WebhookEventType } from '../events/webhook-event-types';
import {
  WorkflowAssignmentChangedEventDto,
  WorkflowCompletedEventDto,
  WorkflowStartedEventDto,
  WorkflowTransitionedEventDto,
  WorkflowVoteRecordedEventDto,
} from './webhook-events.dto';

/** The `webhooks` section of the contract: every event type, what it means, its payload. */
export const WEBHOOK_EVENTS_OPENAPI: Readonly<Record<WebhookEventType, OpenApiWebhook>> = {
  'workflow.started': {
    summary: 'A workflow was started',
    description: 'Sent when an instance is created in its initial state.',
    payload: WorkflowStartedEventDto,
  },
  'workflow.transitioned': {
    summary: 'A workflow moved to another state',
    description: 'Sent for every transition taken, by a person or a timer.',
    payload: WorkflowTransitionedEventDto,
  },
  'workflow.vote_recorded': {
    summary: 'A vote was recorded',
    description: 'Sent for a quorum vote that did not (yet) move the workflow.',
    payload: WorkflowVoteRecordedEventDto,
  },
  'workflow.completed': {
    summary: 'A workflow reached a terminal state',
    description:
      'Sent with the `workflow.transitioned` of a move into a terminal state (its own `webhook-id`), for ' +
      'receivers that only care about outcomes (approved, rejected, …).',
    payload: WorkflowCompletedEventDto,
  },
  'workflow.assignment_changed': {
    summary: 'Who is assigned changed',
    description:
      'Sent when someone is assigned, unassigned or delegates, and when a state assigns itself on entry ' +
      '(to a person, or queued to a role: `assigneeId` null, `assignedRole` set).',
    payload: WorkflowAssignmentChangedEventDto,
  },
};
