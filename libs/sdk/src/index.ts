export * from './etag';
export * from './flowgate-client';
export * from './flowgate-problem';
export * from './idempotency-key';
export type { components, operations, paths, webhooks } from './generated/openapi';
import type { components } from './generated/openapi';

/** Every webhook payload Flowgate sends, discriminated by `type` (see the `webhooks` section). */
export type WebhookEvent =
  | components['schemas']['WorkflowStartedEventDto']
  | components['schemas']['WorkflowTransitionedEventDto']
  | components['schemas']['WorkflowVoteRecordedEventDto']
  | components['schemas']['WorkflowCompletedEventDto']
  | components['schemas']['WorkflowAssignmentChangedEventDto'];
