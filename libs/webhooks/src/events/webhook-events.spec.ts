import { toWebhookMessages, type OutboxEvent } from './webhook-events';

const AT = new Date('2026-03-01T10:00:00.000Z');
const TRANSITION = {
  workflowId: '5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e',
  definitionKey: 'purchase-request',
  definitionVersion: 1,
  transition: 'approve',
  from: 'submitted',
  to: 'approved',
  terminal: false,
  actorId: '0a0b0c0d-1111-2222-3333-444455556666',
  version: 3,
};

function event(topic: string, payload: Record<string, unknown>): OutboxEvent {
  return { id: '42', topic, aggregateId: TRANSITION.workflowId, payload, createdAt: AT };
}

describe('toWebhookMessages', () => {
  it('turns an event into one message of its type, in the Standard Webhooks shape', () => {
    const [message, ...others] = toWebhookMessages(event('workflow.transitioned', TRANSITION));
    expect(others).toEqual([]);
    expect(message).toEqual({
      messageId: 'msg_42',
      type: 'workflow.transitioned',
      definitionKey: 'purchase-request',
      body: JSON.stringify({ type: 'workflow.transitioned', timestamp: AT.toISOString(), data: TRANSITION }),
    });
  });

  it('adds workflow.completed, with its own message id, to a move into a terminal state', () => {
    const messages = toWebhookMessages(event('workflow.transitioned', { ...TRANSITION, terminal: true }));
    expect(messages.map(({ messageId, type }) => [messageId, type])).toEqual([
      ['msg_42', 'workflow.transitioned'],
      ['msg_42_completed', 'workflow.completed'],
    ]);
    expect(JSON.parse(messages[1].body)).toMatchObject({ type: 'workflow.completed', data: { terminal: true } });
  });

  it('sends only the documented fields, in their order, null for a missing one', () => {
    const [message] = toWebhookMessages(
      event('workflow.started', { workflowId: 'w', definitionKey: 'k', internal: 'secret', state: 'draft' }),
    );
    expect(JSON.parse(message.body).data).toEqual({
      workflowId: 'w',
      definitionKey: 'k',
      definitionVersion: null,
      state: 'draft',
      initiatorId: null,
    });
    expect(Object.keys(JSON.parse(message.body).data)).toEqual([
      'workflowId',
      'definitionKey',
      'definitionVersion',
      'state',
      'initiatorId',
    ]);
  });

  it.each(['workflow.vote_recorded', 'workflow.assignment_changed', 'workflow.started'])(
    'maps %s to itself',
    (topic) => {
      expect(toWebhookMessages(event(topic, TRANSITION)).map((message) => message.type)).toEqual([topic]);
    },
  );

  it.each(['workflow.timer_scheduled', 'workflow.completed', 'user.suspended'])(
    'publishes no message for %s',
    (topic) => {
      expect(toWebhookMessages(event(topic, TRANSITION))).toEqual([]);
    },
  );
});
