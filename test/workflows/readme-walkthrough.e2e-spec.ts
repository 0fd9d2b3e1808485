import { randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { createFlowgateClient, FlowgateClient } from '@flowgate/sdk';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { PURCHASE_REQUEST_DEFINITION } from '@flowgate/workflows';

/**
 * The README's "A purchase request, end to end", step by step, through the generated SDK: what a
 * new team member types, and what a client team's code does. The definition is published under a
 * key of its own (the test database is shared; development mode seeds `purchase-request` itself).
 */
describe('README walk-through: a purchase request through the SDK', () => {
  let testApp: TestApp;
  let dev: DevIdentityProvider;
  const key = `purchase-request-${randomUUID().slice(0, 8)}`;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    testApp = await createTestApp();
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(() => testApp.close());

  const clientFor = async (user: string, roles: string[], stepUp = false): Promise<FlowgateClient> =>
    createFlowgateClient({
      baseUrl: testApp.url,
      token: await dev.mint({ user: `${user}-${suffix}`, roles, stepUp }),
    });
  /** The SDK types the required header: a call without a key does not compile. */
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  it('starts, submits, is claimed, approved twice and ends approved, with the history and diagram to show for it', async () => {
    const admin = await clientFor('admin', ['admin'], true);
    const published = await admin.POST('/v1/workflow-definitions', {
      body: { ...PURCHASE_REQUEST_DEFINITION, key } as never,
    });
    expect(published.response.status).toBe(201);

    const alice = await clientFor('alice', ['requester']);
    const bob = await clientFor('bob', ['approver']);
    const carol = await clientFor('carol', ['approver'], true);

    // 1. Alice starts a request and submits it.
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key, data: { amount: 1200, currency: 'EUR', description: 'Laptop' } },
    });
    expect(started.response.status).toBe(201);
    const id = started.data!.id;
    expect(started.data).toMatchObject({ state: 'draft', definitionVersion: 1, terminal: false });
    expect(started.response.headers.get('location')).toBe(`${testApp.url}/v1/workflows/${id}`);
    const submitted = await alice.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'submit' },
    });
    expect(submitted.data).toMatchObject({ outcome: 'moved', workflow: { state: 'submitted' } });

    // 2. Bob, an approver, finds it among the unassigned requests, claims it, sees what he may do,
    //    and approves as manager.
    const queue = await bob.GET('/v1/workflows', { params: { query: { definitionKey: key, state: 'submitted' } } });
    expect(queue.data!.value.map((workflow) => workflow.id)).toEqual([id]);
    const claimed = await bob.POST('/v1/workflows/{id}/claim', { params: { path: { id }, header: idempotencyKey() } });
    expect(claimed.response.status).toBe(200);
    const bobId = claimed.data!.assigneeIds[0];
    const options = await bob.GET('/v1/workflows/{id}/available-transitions', { params: { path: { id } } });
    const allowed = options.data!.value.filter((transition) => transition.allowed).map((transition) => transition.name);
    expect(allowed).toEqual(['return_to_draft', 'manager_approve', 'reject']);
    const escalate = options.data!.value.find((transition) => transition.name === 'escalate');
    expect(escalate).toMatchObject({ allowed: false, reason: 'condition_not_met' });
    const managerApproved = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'manager_approve', input: { approvedAmount: 1200 } },
    });
    expect(managerApproved.data).toMatchObject({ outcome: 'moved', workflow: { state: 'finance_review' } });

    // 3. Bob may not give the finance approval too, nor may Alice; Carol approves for finance.
    const bobAgain = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'finance_approve' },
    });
    expect(bobAgain.response.status).toBe(403);
    expect(bobAgain.error).toMatchObject({ code: 'separation_of_duties', rule: 'notPreviousActorOf' });
    const aliceAgain = await alice.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'finance_approve' },
    });
    expect(aliceAgain.response.status).toBe(403);
    expect(aliceAgain.error).toMatchObject({ code: 'insufficient_role', requiredRole: 'approver' });
    const financeKey = idempotencyKey();
    const approved = await carol.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: financeKey },
      body: { name: 'finance_approve' },
    });
    expect(approved.data).toMatchObject({ outcome: 'moved', workflow: { state: 'approved', terminal: true } });

    // A retry with the same key is the first answer again, not a second approval.
    const retried = await carol.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: financeKey },
      body: { name: 'finance_approve' },
    });
    expect(retried.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.data).toEqual(approved.data);

    // 4. The history, and the diagram.
    const history = await alice.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.map((entry) => [entry.kind, entry.transition, entry.toState])).toEqual([
      ['started', null, 'draft'],
      ['moved', 'submit', 'submitted'],
      ['assigned', null, 'submitted'],
      ['moved', 'manager_approve', 'finance_review'],
      ['assigned', null, 'finance_review'],
      ['moved', 'finance_approve', 'approved'],
    ]);
    expect(history.data!.value[2]).toMatchObject({ actorId: bobId, assigneeId: bobId });
    // Finance is the approvers' queue: the system queued it there on entry.
    expect(history.data!.value[4]).toMatchObject({ actorType: 'system', assigneeId: null, assignedRole: 'approver' });
    const diagram = await alice.GET('/v1/workflow-definitions/{key}/versions/{version}/diagram', {
      params: { path: { key, version: 1 } },
      parseAs: 'text',
    });
    expect(diagram.data).toMatch(/^stateDiagram-v2\n/);
    expect(diagram.data).toContain('finance_review --> approved : finance_approve');
    expect(diagram.data).toContain('note right of finance_review : assigned to role approver');
  });
});
