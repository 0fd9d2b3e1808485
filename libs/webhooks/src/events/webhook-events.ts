import type { WebhookEventType } from './webhook-event-types';

/** One row of the outbox as the workflows feature writes it. */
export interface OutboxEvent {
  readonly id: string;
  readonly topic: string;
  readonly aggregateId: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

/**
 * What a receiver gets: the Standard Webhooks payload shape (`type`, `timestamp`, `data`). The
 * `webhook-id` header names the message; the same event reaches every subscription with one id.
 */
export interface WebhookMessage {
  readonly messageId: string;
  readonly type: WebhookEventType;
  readonly definitionKey: string | undefined;
  /** The exact JSON text signed and sent. */
  readonly body: string;
}

type Data = Record<string, unknown>;

/**
 * The fields each type's `data` carries, in the documented order, picked from the outbox payload
 * by name: a field the workflows feature adds to its outbox rows does not reach receivers until it
 * is added here and to the OpenAPI `webhooks` section, so the contract changes only on purpose.
 */
const TRANSITION_FIELDS = [
  'workflowId',
  'definitionKey',
  'definitionVersion',
  'transition',
  'from',
  'to',
  'terminal',
  'actorId',
  'version',
] as const;

export const WEBHOOK_DATA_FIELDS: Readonly<Record<WebhookEventType, readonly string[]>> = {
  'workflow.started': ['workflowId', 'definitionKey', 'definitionVersion', 'state', 'initiatorId'],
  'workflow.transitioned': TRANSITION_FIELDS,
  'workflow.vote_recorded': TRANSITION_FIELDS,
  'workflow.completed': TRANSITION_FIELDS,
  'workflow.assignment_changed': [
    'workflowId',
    'definitionKey',
    'definitionVersion',
    'state',
    'change',
    'actorId',
    'assigneeId',
    'assigneeIds',
    'assignedRole',
    'version',
  ],
};

/**
 * The messages one outbox event becomes. Most topics are one type of the same name; a move into a
 * terminal state is also `workflow.completed` (its own message id, so a receiver that wants only
 * completions subscribes to just that). Topics with no public type yield nothing.
 */
export function toWebhookMessages(event: OutboxEvent): WebhookMessage[] {
  const types: WebhookEventType[] = [];
  if (event.topic === 'workflow.transitioned') {
    types.push('workflow.transitioned');
    if (event.payload.terminal === true) types.push('workflow.completed');
  } else if (event.topic in WEBHOOK_DATA_FIELDS && event.topic !== 'workflow.completed') {
    types.push(event.topic as WebhookEventType);
  }
  const definitionKey = typeof event.payload.definitionKey === 'string' ? event.payload.definitionKey : undefined;
  return types.map((type) => ({
    messageId: type === event.topic ? `msg_${event.id}` : `msg_${event.id}_${type.split('.')[1]}`,
    type,
    definitionKey,
    body: JSON.stringify({
      type,
      timestamp: event.createdAt.toISOString(),
      data: pick(event.payload, WEBHOOK_DATA_FIELDS[type]),
    }),
  }));
}

function pick(payload: Readonly<Record<string, unknown>>, fields: readonly string[]): Data {
  const data: Data = {};
  for (const field of fields) data[field] = payload[field] ?? null;
  return data;
}
