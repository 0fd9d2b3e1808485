/**
 * The event types a subscription may ask for: the public, stable names (docs/webhooks.md). A new
 * type is added at the end; a type is never renamed or removed, and its data only gains fields.
 */
export const WEBHOOK_EVENT_TYPES = [
  'workflow.started',
  'workflow.transitioned',
  'workflow.vote_recorded',
  'workflow.completed',
  'workflow.assignment_changed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
