import { randomUUID } from 'node:crypto';
import type { FlowgateClient } from '@flowgate/sdk';
import { accountsFor, TestApp } from '@flowgate/testing';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

/**
 * Automatic transitions (docs/workflows.md "Automatic transitions") through the SDK: on entering
 * a state, the first automatic transition whose condition holds fires in the same unit of work as
 * the system (history `actorType: system`, audit actor type `system`, `after.automatic`), the
 * routing state's timer is armed and cancelled with it, the final state's armed; a definition
 * whose automatic transitions could loop never publishes.
 */
describe('automatic transitions', () => {
  let testApp: TestApp;
  let admin: FlowgateClient;
  let alice: FlowgateClient;
  const key = `automatic-${randomUUID().slice(0, 8)}`;
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  const document: WorkflowDefinitionDocument = {
    key,
    title: 'Routing',
    visibility: 'authenticated',
    dataSchema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    states: [
      { name: 'draft', initial: true },
      { name: 'routing' },
      { name: 'one_approver' },
      { name: 'two_approvers' },
      { name: 'done', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'routing', actor: 'initiator' },
      { name: 'large', from: 'routing', to: 'two_approvers', auto: true, when: 'data.amount > 1000' },
      { name: 'small', from: 'routing', to: 'one_approver', auto: true },
      { name: 'stuck', from: 'routing', to: 'done', timer: 'PT1H' },
      { name: 'approve', from: ['one_approver', 'two_approvers'], to: 'done', role: 'approver' },
      { name: 'expire', from: 'two_approvers', to: 'done', timer: 'P30D' },
    ],
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    const signIn = accountsFor(testApp, 'automatic');
    admin = (await signIn('admin', ['admin'])).client;
    alice = (await signIn('alice', ['requester'])).client;
    const published = await admin.POST('/v1/workflow-definitions', { body: document as never });
    expect(published.response.status).toBe(201);
  });

  afterAll(() => testApp.close());

  async function submitted(amount: number) {
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key, data: { amount } },
    });
    const id = started.data!.id;
    const moved = await alice.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'submit' },
    });
    return { id, moved };
  }

  it.each([
    [5000, 'large', 'two_approvers', ['expire']],
    [10, 'small', 'one_approver', []],
  ])('routes %d through %s to %s as the system, in the same unit of work', async (amount, route, state, timers) => {
    const { id, moved } = await submitted(amount);
    expect(moved.data).toMatchObject({ outcome: 'moved', transition: 'submit', workflow: { state } });
    expect(moved.data!.workflow.pendingTimers.map((timer) => timer.transition)).toEqual(timers);
    const history = await alice.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(
      history.data!.value.map(({ kind, transition, actorType, toState }) => [kind, transition, actorType, toState]),
    ).toEqual([
      ['started', null, 'user', 'draft'],
      ['moved', 'submit', 'user', 'routing'],
      ['moved', route, 'system', state],
    ]);
    const db = testApp.app.get(DataSource);
    const [audit] = await db.query<{ actor_type: string; after: { automatic: boolean; state: string } }[]>(
      `SELECT actor_type, after FROM audit_events
       WHERE resource_type = 'workflow' AND resource_id = $1 AND action = 'workflow.transitioned' AND after->>'transition' = $2`,
      [id, route],
    );
    expect(audit).toMatchObject({ actor_type: 'system', after: { automatic: true, state } });
    const routingTimers = await db.query<{ status: string }[]>(
      `SELECT status FROM workflow_timers WHERE instance_id = $1 AND transition = 'stuck'`,
      [id],
    );
    expect(routingTimers).toEqual([{ status: 'cancelled' }]);
  });

  it('follows an automatic transition out of the initial state on start, and assigns the state it reaches', async () => {
    const startKey = `${key}-start`;
    const published = await admin.POST('/v1/workflow-definitions', {
      body: {
        key: startKey,
        title: 'Triage on start',
        dataSchema: { type: 'object', properties: { urgent: { type: 'boolean' } } },
        states: [
          { name: 'triage', initial: true },
          { name: 'urgent', assignTo: { initiator: true } },
          { name: 'queue' },
          { name: 'done', terminal: true },
        ],
        transitions: [
          { name: 'rush', from: 'triage', to: 'urgent', auto: true, when: 'has(data.urgent) && data.urgent' },
          { name: 'file', from: 'triage', to: 'queue', auto: true },
          { name: 'close', from: ['urgent', 'queue'], to: 'done' },
        ],
      } as never,
    });
    expect(published.response.status).toBe(201);
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: startKey, data: { urgent: true } },
    });
    expect(started.response.status).toBe(201);
    expect(started.data).toMatchObject({ state: 'urgent', assigneeIds: [expect.any(String)] });
    const id = started.data!.id;
    const history = await alice.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.map(({ kind, transition, actorType }) => [kind, transition, actorType])).toEqual([
      ['started', null, 'user'],
      ['moved', 'rush', 'system'],
      ['assigned', null, 'system'],
    ]);
  });

  it('never publishes automatic transitions that could loop', async () => {
    const transitions = [
      ...document.transitions,
      { name: 'reroute', from: 'one_approver', to: 'routing', auto: true, when: 'data.amount < 0.0' },
    ];
    const refused = await admin.POST('/v1/workflow-definitions', {
      body: { ...document, key: `${key}-loop`, transitions } as never,
    });
    expect(refused.response.status).toBe(400);
    const errors = (refused.error as { errors: { pointer: string; code: string }[] }).errors;
    expect(errors.map(({ pointer, code }) => [pointer, code])).toEqual([
      [`/body/transitions/${transitions.length - 1}/to`, 'automatic_cycle'],
    ]);
  });
});
