import { randomUUID } from 'node:crypto';
import type { FlowgateClient } from '@flowgate/sdk';
import { accountsFor, TestApp } from '@flowgate/testing';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

/**
 * Data that evolves (docs/workflows.md "Data that evolves") through the SDK: a transition's `set`
 * writes its fields into `data` with the move, the history line and the audit event record each
 * change before and after; a set that would leave the data invalid is 409 `invalid_data_change`
 * and writes nothing; a read-only field is changed only by a transition that says so, and one that
 * does not never publishes.
 */
describe('workflow data changes (set, readOnly)', () => {
  let testApp: TestApp;
  let admin: FlowgateClient;
  let alice: FlowgateClient;
  let bob: FlowgateClient;
  let bobId: string;
  const key = `data-changes-${randomUUID().slice(0, 8)}`;
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  const document = (suffix = ''): WorkflowDefinitionDocument => ({
    key: `${key}${suffix}`,
    title: 'Budget',
    visibility: 'authenticated',
    dataSchema: {
      type: 'object',
      required: ['amount'],
      properties: {
        amount: { type: 'number', minimum: 0 },
        approvedAmount: { type: 'number', minimum: 0 },
        approvedBy: { type: 'string' },
      },
    },
    readOnly: ['/amount'],
    states: [
      { name: 'open', initial: true },
      { name: 'approved', terminal: true },
      { name: 'revised', terminal: true },
    ],
    transitions: [
      {
        name: 'approve',
        from: 'open',
        to: 'approved',
        role: 'approver',
        input: { type: 'object', required: ['approvedAmount'], properties: { approvedAmount: { type: 'number' } } },
        set: { '/approvedAmount': 'input.approvedAmount', '/approvedBy': 'actor.id' },
      },
      {
        name: 'revise',
        from: 'open',
        to: 'revised',
        role: 'approver',
        set: { '/amount': 'data.amount / 2.0' },
        writesReadOnly: ['/amount'],
      },
    ],
  });

  beforeAll(async () => {
    testApp = await createTestApp();
    const signIn = accountsFor(testApp, 'data-changes');
    admin = (await signIn('admin', ['admin'])).client;
    alice = (await signIn('alice', ['requester'])).client;
    const bobAccount = await signIn('bob', ['approver']);
    bob = bobAccount.client;
    bobId = bobAccount.id;
    const published = await admin.POST('/v1/workflow-definitions', { body: document() as never });
    expect(published.response.status).toBe(201);
  });

  afterAll(() => testApp.close());

  async function started(amount: number): Promise<string> {
    const result = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key, data: { amount } },
    });
    expect(result.response.status).toBe(201);
    return result.data!.id;
  }

  const rowsOf = (id: string) =>
    testApp.app.get(DataSource).query<{ version: number; data: unknown; lines: number; audits: number }[]>(
      `SELECT i.version, i.data,
         (SELECT count(*)::int FROM workflow_history h WHERE h.instance_id = i.id) AS lines,
         (SELECT count(*)::int FROM audit_events a WHERE a.resource_type = 'workflow' AND a.resource_id = i.id::text) AS audits
       FROM workflow_instances i WHERE i.id = $1`,
      [id],
    );

  it('writes the set fields with the move, and records each change in history and audit', async () => {
    const id = await started(500);
    const moved = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'approve', input: { approvedAmount: 450 } },
    });
    expect(moved.data).toMatchObject({
      outcome: 'moved',
      workflow: { state: 'approved', data: { amount: 500, approvedAmount: 450, approvedBy: bobId } },
    });
    const history = await bob.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    const line = history.data!.value.find((entry) => entry.kind === 'moved')!;
    expect(line.changes).toEqual([
      { pointer: '/approvedAmount', before: null, after: 450 },
      { pointer: '/approvedBy', before: null, after: bobId },
    ]);
    expect(history.data!.value.find((entry) => entry.kind === 'started')!.changes).toEqual([]);
    const [audit] = await testApp.app
      .get(DataSource)
      .query<{ after: { changes: unknown } }[]>(
        `SELECT after FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 AND action = 'workflow.transitioned'`,
        [id],
      );
    expect(audit.after.changes).toEqual(line.changes);
  });

  it('refuses a set that would leave the data invalid with 409 invalid_data_change, writing nothing', async () => {
    const id = await started(500);
    const before = await rowsOf(id);
    const refused = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'approve', input: { approvedAmount: -1 } },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.error).toMatchObject({
      code: 'invalid_data_change',
      transition: 'approve',
      errors: [{ pointer: '/data/approvedAmount', code: 'minimum' }],
    });
    expect(await rowsOf(id)).toEqual(before);
  });

  it('changes a read-only field only through the transition that says so', async () => {
    const id = await started(500);
    const revised = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'revise' },
    });
    expect(revised.data).toMatchObject({ workflow: { state: 'revised', data: { amount: 250 } } });
  });

  it('never publishes a set of a read-only field without writesReadOnly', async () => {
    const base = document('-bad');
    const transitions = base.transitions.map((transition) =>
      transition.name === 'revise' ? { ...transition, writesReadOnly: undefined } : transition,
    );
    const refused = await admin.POST('/v1/workflow-definitions', { body: { ...base, transitions } as never });
    expect(refused.response.status).toBe(400);
    const errors = (refused.error as { errors: { pointer: string; code: string }[] }).errors;
    expect(errors.map(({ pointer, code }) => [pointer, code])).toEqual([
      ['/body/transitions/1/set/~1amount', 'read_only_field'],
    ]);
  });
});
