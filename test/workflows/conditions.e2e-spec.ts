import { randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { createFlowgateClient, FlowgateClient } from '@flowgate/sdk';
import { TestApp } from '@flowgate/testing';
import { PURCHASE_APPROVAL_THRESHOLD, PURCHASE_REQUEST_DEFINITION } from '@flowgate/workflows';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

/**
 * Conditions (`when`, docs/workflows.md "Conditions") through the SDK: the purchase request's
 * finance path rests on `data.amount`, and no input the manager sends changes it; a refusal is
 * 409 `condition_not_met` naming the transition and its condition, never the data, and writes
 * nothing; a condition on a field no schema declares never publishes.
 */
describe('workflow conditions', () => {
  let testApp: TestApp;
  let dev: DevIdentityProvider;
  const key = `purchase-conditions-${randomUUID().slice(0, 8)}`;
  const suffix = randomUUID().slice(0, 8);
  let admin: FlowgateClient;
  let alice: FlowgateClient;
  let bob: FlowgateClient;

  const clientFor = async (user: string, roles: string[], stepUp = false): Promise<FlowgateClient> =>
    createFlowgateClient({ baseUrl: testApp.url, token: await dev.mint({ user: `${user}-${suffix}`, roles, stepUp }) });
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  beforeAll(async () => {
    testApp = await createTestApp();
    dev = testApp.app.get(DevIdentityProvider);
    admin = await clientFor('admin', ['admin'], true);
    alice = await clientFor('alice', ['requester']);
    bob = await clientFor('bob', ['approver']);
    const published = await admin.POST('/v1/workflow-definitions', {
      body: { ...PURCHASE_REQUEST_DEFINITION, key } as never,
    });
    expect(published.response.status).toBe(201);
  });

  afterAll(() => testApp.close());

  /** A request for `amount`, submitted by Alice and claimed by Bob, her manager. */
  async function submittedRequest(amount: number): Promise<string> {
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key, data: { amount, currency: 'EUR', description: 'Servers' } },
    });
    const id = started.data!.id;
    await alice.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'submit' },
    });
    const claimed = await bob.POST('/v1/workflows/{id}/claim', { params: { path: { id }, header: idempotencyKey() } });
    expect(claimed.response.status).toBe(200);
    return id;
  }

  it('refuses the one-approver path for a large request with 409 condition_not_met, naming no data, writing nothing', async () => {
    const amount = PURCHASE_APPROVAL_THRESHOLD * 3 + 0.5;
    const id = await submittedRequest(amount);
    const before = await bob.GET('/v1/workflows/{id}', { params: { path: { id } } });
    const refused = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'manager_approve', input: { approvedAmount: 100 } },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.error).toMatchObject({
      code: 'condition_not_met',
      status: 409,
      transition: 'manager_approve',
      condition: PURCHASE_REQUEST_DEFINITION.transitions.find((t) => t.name === 'manager_approve')!.when,
    });
    expect(JSON.stringify(refused.error)).not.toContain(String(amount));
    const after = await bob.GET('/v1/workflows/{id}', { params: { path: { id } } });
    expect(after.data).toMatchObject({ state: 'submitted', version: before.data!.version });
    const history = await bob.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.map((entry) => entry.kind)).toEqual(['started', 'moved', 'assigned']);
  });

  it('lets no input route a large request to one approver or a small one to two', async () => {
    const inputs: unknown[] = [
      { approvedAmount: 1 },
      { approvedAmount: PURCHASE_APPROVAL_THRESHOLD },
      { approvedAmount: 1e308 },
      { approvedAmount: -1 },
      { approvedAmount: '1' },
      { approvedAmount: 1, amount: 1 },
      {},
      null,
    ];
    const large = await submittedRequest(PURCHASE_APPROVAL_THRESHOLD + 1);
    const small = await submittedRequest(PURCHASE_APPROVAL_THRESHOLD);
    for (const [id, name] of [
      [large, 'manager_approve'],
      [small, 'escalate'],
    ] as const) {
      for (const input of inputs) {
        const attempt = await bob.POST('/v1/workflows/{id}/transitions', {
          params: { path: { id }, header: idempotencyKey() },
          body: { name, input: input as never },
        });
        expect([400, 409]).toContain(attempt.response.status);
      }
      const options = await bob.GET('/v1/workflows/{id}/available-transitions', { params: { path: { id } } });
      expect(options.data!.value.find((transition) => transition.name === name)).toMatchObject({
        allowed: false,
        reason: 'condition_not_met',
      });
    }
    const rows = await testApp.app
      .get(DataSource)
      .query<{ state: string }[]>(`SELECT state FROM workflow_instances WHERE id = ANY($1) ORDER BY state`, [
        [large, small],
      ]);
    expect(rows.map((row) => row.state)).toEqual(['submitted', 'submitted']);
    const escalated = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id: large }, header: idempotencyKey() },
      body: { name: 'escalate', input: { approvedAmount: PURCHASE_APPROVAL_THRESHOLD + 1 } },
    });
    expect(escalated.data).toMatchObject({ outcome: 'moved', workflow: { state: 'finance_quorum_review' } });
    // The approved amount is recorded in the request's data by the transition's `set`.
    expect(escalated.data!.workflow.data).toMatchObject({ approvedAmount: PURCHASE_APPROVAL_THRESHOLD + 1 });
    const history = await bob.GET('/v1/workflows/{id}/history', { params: { path: { id: large } } });
    expect(history.data!.value.find((entry) => entry.transition === 'escalate')!.changes).toEqual([
      { pointer: '/approvedAmount', before: null, after: PURCHASE_APPROVAL_THRESHOLD + 1 },
    ]);
  });

  it('never publishes a condition on a field no schema declares, listing it with every other violation', async () => {
    const transitions = PURCHASE_REQUEST_DEFINITION.transitions.map((transition) =>
      transition.name === 'escalate' ? { ...transition, when: 'data.amont > 10.0' } : transition,
    );
    const refused = await admin.POST('/v1/workflow-definitions', {
      body: { ...PURCHASE_REQUEST_DEFINITION, key: `${key}-bad`, title: '', transitions } as never,
    });
    expect(refused.response.status).toBe(400);
    const index = transitions.findIndex((transition) => transition.name === 'escalate');
    const errors = (refused.error as { errors: { pointer: string; code: string }[] }).errors;
    expect(errors.map(({ pointer, code }) => [pointer, code])).toEqual([
      ['/body/title', 'invalid_length'],
      [`/body/transitions/${index}/when`, 'unknown_field'],
    ]);
  });
});
