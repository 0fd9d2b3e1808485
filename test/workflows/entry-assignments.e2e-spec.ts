import { randomUUID } from 'node:crypto';
import type { FlowgateClient } from '@flowgate/sdk';
import { accountsFor, TestApp } from '@flowgate/testing';
import { ACCESS_REQUEST_DEFINITION, type WorkflowDefinitionDocument } from '@flowgate/workflows';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

/**
 * Assignment on entry (docs/workflows.md "Assignment on entry") through the SDK: a state assigns
 * itself on entry to the initiator or to the user a field of data names, as the system, in the
 * unit of work of the start or the move: the assignee's inbox lists it, history shows an
 * `assigned` line by the system, the audit log a `workflow.assigned` by the system. Data naming
 * nobody who exists leaves the entry unassigned, says so, and still moves.
 */
describe('assignment on entry (assignTo)', () => {
  let testApp: TestApp;
  let alice: FlowgateClient;
  let aliceId: string;
  let bob: FlowgateClient;
  let bobId: string;
  const key = `entry-assign-${randomUUID().slice(0, 8)}`;
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  const document: WorkflowDefinitionDocument = {
    key,
    title: 'Manager review',
    dataSchema: { type: 'object', required: ['managerId'], properties: { managerId: { type: 'string' } } },
    states: [
      { name: 'draft', initial: true, assignTo: { initiator: true } },
      { name: 'review', assignTo: { data: '/managerId' } },
      { name: 'done', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'review', actor: 'assignee' },
      { name: 'approve', from: 'review', to: 'done', role: 'approver', actor: 'assignee' },
      { name: 'withdraw', from: 'review', to: 'done', actor: 'initiator' },
    ],
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    const signIn = accountsFor(testApp, 'entry-assign');
    const admin = (await signIn('admin', ['admin'])).client;
    const aliceAccount = await signIn('alice', ['requester']);
    const bobAccount = await signIn('bob', ['approver']);
    [alice, aliceId, bob, bobId] = [aliceAccount.client, aliceAccount.id, bobAccount.client, bobAccount.id];
    const published = await admin.POST('/v1/workflow-definitions', { body: document as never });
    expect(published.response.status).toBe(201);
  });

  afterAll(() => testApp.close());

  async function submitted(managerId: string): Promise<string> {
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key, data: { managerId } },
    });
    expect(started.data).toMatchObject({ state: 'draft', assigneeIds: [aliceId] });
    const id = started.data!.id;
    const moved = await alice.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'submit' },
    });
    expect(moved.data).toMatchObject({ outcome: 'moved', workflow: { state: 'review' } });
    return id;
  }

  it('assigns the initiator on start and the manager from data on a move, as the system, in inbox, history and audit', async () => {
    const id = await submitted(bobId);
    const workflow = await bob.GET('/v1/workflows/{id}', { params: { path: { id } } });
    expect(workflow.data).toMatchObject({ state: 'review', assigneeIds: [bobId] });
    const inbox = await bob.GET('/v1/workflows', { params: { query: { waitingForMe: true, definitionKey: key } } });
    expect(inbox.data!.value.map((item) => item.id)).toContain(id);
    const history = await bob.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.map(({ kind, actorType, assigneeId }) => [kind, actorType, assigneeId])).toEqual([
      ['started', 'user', null],
      ['assigned', 'system', aliceId],
      ['moved', 'user', null],
      ['assigned', 'system', bobId],
    ]);
    const audits = await testApp.app
      .get(DataSource)
      .query<{ action: string; actor_type: string }[]>(
        `SELECT action, actor_type FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 ORDER BY occurred_at, id`,
        [id],
      );
    expect(audits.filter((audit) => audit.action === 'workflow.assigned')).toEqual([
      { action: 'workflow.assigned', actor_type: 'system' },
      { action: 'workflow.assigned', actor_type: 'system' },
    ]);
    const approved = await bob.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'approve' },
    });
    expect(approved.data).toMatchObject({ outcome: 'moved', workflow: { state: 'done', assigneeIds: [] } });
  });

  it('assigns an access request to the resource owner its data names, on start', async () => {
    const accessKey = `${key}-access`;
    const admin = (await accountsFor(testApp, 'entry-assign-access')('admin', ['admin'])).client;
    const published = await admin.POST('/v1/workflow-definitions', {
      body: { ...ACCESS_REQUEST_DEFINITION, key: accessKey } as never,
    });
    expect(published.response.status).toBe(201);
    const data = { resource: 'billing-db', accessLevel: 'read', justification: 'Quarterly report', ownerId: bobId };
    const started = await alice.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: accessKey, data },
    });
    expect(started.data).toMatchObject({ state: 'requested', assigneeIds: [bobId] });
    const inbox = await bob.GET('/v1/workflows', {
      params: { query: { waitingForMe: true, definitionKey: accessKey } },
    });
    expect(inbox.data!.value.map((item) => item.id)).toEqual([started.data!.id]);
  });

  it('leaves the entry unassigned when the data names no user, records it, and still moves', async () => {
    const id = await submitted(randomUUID());
    const workflow = await alice.GET('/v1/workflows/{id}', { params: { path: { id } } });
    expect(workflow.data).toMatchObject({ state: 'review', assigneeIds: [] });
    const history = await alice.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.at(-1)).toMatchObject({ kind: 'not_assigned', actorType: 'system', assigneeId: null });
    const [audit] = await testApp.app
      .get(DataSource)
      .query<{ actor_type: string }[]>(
        `SELECT actor_type FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 AND action = 'workflow.not_assigned'`,
        [id],
      );
    expect(audit).toEqual({ actor_type: 'system' });
  });
});
