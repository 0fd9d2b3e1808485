import { randomUUID } from 'node:crypto';
import type { FlowgateClient } from '@flowgate/sdk';
import { accountsFor, TestApp } from '@flowgate/testing';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

/**
 * Role queues (docs/workflows.md "Assignment on entry", `assignTo: {"role": …}`) through the SDK:
 * entering `triage` queues it to the approvers, as the system. Holders of the role (and of roles
 * that imply it) find it in their inbox and may claim it; a requester, who could take `resolve`
 * were the state not queued, neither finds it nor may claim it or be given it. Once claimed, it
 * waits for the claimer only; leaving the state ends the queue.
 */
describe('role queues (assignTo: role)', () => {
  let testApp: TestApp;
  let db: DataSource;
  type Account = { client: FlowgateClient; id: string };
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let rita: Account;
  let admin: Account;
  const key = `role-queue-${randomUUID().slice(0, 8)}`;
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  const document: WorkflowDefinitionDocument = {
    key,
    title: 'Triage',
    states: [
      { name: 'draft', initial: true },
      { name: 'triage', assignTo: { role: 'approver' } },
      { name: 'done', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'triage', role: 'requester', actor: 'initiator' },
      // A requester would do, but for the queue: the queue is what keeps rita out.
      { name: 'resolve', from: 'triage', to: 'done', role: 'requester', actor: 'assignee', separationOfDuties: { notInitiator: true } }, // prettier-ignore
    ],
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    db = testApp.app.get(DataSource);
    const signIn = accountsFor(testApp, 'role-queue');
    [alice, bob, carol, rita, admin] = [
      await signIn('alice', ['requester']),
      await signIn('bob', ['approver']),
      await signIn('carol', ['approver']),
      await signIn('rita', ['requester']),
      await signIn('admin', ['admin']),
    ];
    const published = await admin.client.POST('/v1/workflow-definitions', { body: document as never });
    expect(published.response.status).toBe(201);
  });

  afterAll(() => testApp.close());

  /** Alice's request, submitted into the approvers' queue. */
  async function inTriage(): Promise<string> {
    const started = await alice.client.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key },
    });
    expect(started.data).toMatchObject({ state: 'draft', assignedRole: null });
    const id = started.data!.id;
    const moved = await alice.client.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'submit' },
    });
    expect(moved.data).toMatchObject({
      outcome: 'moved',
      workflow: { state: 'triage', assignedRole: 'approver', assigneeIds: [] },
    });
    return id;
  }

  const inbox = async (as: Account) =>
    (await as.client.GET('/v1/workflows', { params: { query: { waitingForMe: true, definitionKey: key } } })).data!.value; // prettier-ignore
  const inboxIds = async (as: Account) => (await inbox(as)).map((item) => item.id);
  const claim = (as: Account, id: string) =>
    as.client.POST('/v1/workflows/{id}/claim', { params: { path: { id }, header: idempotencyKey() } });

  it('queues the state to the role on entry, as the system: instance, history, outbox and audit say so', async () => {
    const id = await inTriage();
    const workflow = await bob.client.GET('/v1/workflows/{id}', { params: { path: { id } } });
    expect(workflow.data).toMatchObject({ state: 'triage', assignedRole: 'approver', assigneeIds: [] });
    const history = await alice.client.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(
      history.data!.value.map(({ kind, actorType, assigneeId, assignedRole }) => [
        kind,
        actorType,
        assigneeId,
        assignedRole,
      ]),
    ).toEqual([
      // prettier-ignore
      ['started', 'user', null, null],
      ['moved', 'user', null, null],
      ['assigned', 'system', null, 'approver'],
    ]);
    const [outbox] = await db.query<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND topic = 'workflow.assignment_changed'`,
      [id],
    );
    expect(outbox.payload).toMatchObject({
      change: 'assigned',
      actorType: 'system',
      actorId: null,
      assigneeId: null,
      assigneeIds: [],
      assignedRole: 'approver',
      state: 'triage',
    });
    const audits = await db.query<{ actor_type: string; after: Record<string, unknown> }[]>(
      `SELECT actor_type, after FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 AND action = 'workflow.assigned'`,
      [id],
    );
    expect(audits).toEqual([
      { actor_type: 'system', after: expect.objectContaining({ state: 'triage', assignedRole: 'approver' }) },
    ]);
  });

  it('waits for holders of the role (and roles that imply it), not for anyone else', async () => {
    const id = await inTriage();
    expect(await inboxIds(bob)).toContain(id);
    expect(await inboxIds(carol)).toContain(id);
    expect(await inboxIds(admin)).toContain(id);
    expect(await inboxIds(rita)).not.toContain(id);
    // The initiator is kept out of `resolve` (separation of duties): nothing of theirs to do either.
    expect(await inboxIds(alice)).not.toContain(id);
    expect((await inbox(bob)).find((item) => item.id === id)).toMatchObject({ assignedRole: 'approver' });
    // Rita may not even see it: she could claim it only were it not queued to a role she lacks.
    const seen = await rita.client.GET('/v1/workflows/{id}', { params: { path: { id } } });
    expect(seen.response.status).toBe(404);
  });

  it('lets only a holder claim it, and then it waits for the claimer only', async () => {
    const id = await inTriage();
    // Rita cannot find it, so cannot claim it: 404 rather than 409, as for any instance not hers to see.
    expect((await claim(rita, id)).response.status).toBe(404);
    const claimed = await claim(bob, id);
    expect(claimed.response.status).toBe(200);
    expect(claimed.data).toMatchObject({ assigneeIds: [bob.id], assignedRole: 'approver' });
    expect(await inboxIds(bob)).toContain(id);
    expect(await inboxIds(carol)).not.toContain(id);
    expect(await inboxIds(admin)).not.toContain(id);
    const history = await bob.client.GET('/v1/workflows/{id}/history', { params: { path: { id } } });
    expect(history.data!.value.at(-1)).toMatchObject({ kind: 'assigned', actorType: 'user', actorId: bob.id, assigneeId: bob.id, assignedRole: null }); // prettier-ignore

    const resolved = await bob.client.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'resolve' },
    });
    expect(resolved.data).toMatchObject({ outcome: 'moved', workflow: { state: 'done', assignedRole: null, assigneeIds: [] } }); // prettier-ignore
    expect(await inboxIds(bob)).not.toContain(id);
  });

  it('refuses with 409 not_eligible to claim, be assigned or be delegated to by anyone outside the role', async () => {
    const id = await inTriage();
    // Rita as a participant (she may see it), so the claim is judged rather than hidden.
    const assignedRita = await admin.client.PUT('/v1/workflows/{id}/assignees/{userId}', {
      params: { path: { id, userId: rita.id } },
    });
    expect(assignedRita.response.status).toBe(409);
    expect(assignedRita.error).toMatchObject({ code: 'not_eligible', state: 'triage', assignedRole: 'approver' });

    const assignedBob = await admin.client.PUT('/v1/workflows/{id}/assignees/{userId}', {
      params: { path: { id, userId: bob.id } },
    });
    expect(assignedBob.data).toMatchObject({ assigneeIds: [bob.id] });
    const delegated = await bob.client.POST('/v1/workflows/{id}/delegate', {
      params: { path: { id }, header: idempotencyKey() },
      body: { to: rita.id },
    });
    expect(delegated.response.status).toBe(409);
    expect(delegated.error).toMatchObject({ code: 'not_eligible', assignedRole: 'approver' });
    const toCarol = await bob.client.POST('/v1/workflows/{id}/delegate', {
      params: { path: { id }, header: idempotencyKey() },
      body: { to: carol.id },
    });
    expect(toCarol.data).toMatchObject({ assigneeIds: [carol.id], assignedRole: 'approver' });

    // A participant outside the role may see it, and is then told why she may not claim it.
    await db.query(
      `INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
       SELECT id, $2, created_at FROM workflow_instances WHERE id = $1`,
      [id, rita.id],
    );
    await admin.client.DELETE('/v1/workflows/{id}/assignees/{userId}', { params: { path: { id, userId: carol.id } } });
    const claimed = await claim(rita, id);
    expect(claimed.response.status).toBe(409);
    expect(claimed.error).toMatchObject({ code: 'not_eligible', assignedRole: 'approver' });
    const denials = await db.query<{ action: string }[]>(
      `SELECT action FROM audit_events WHERE resource_id = $1 AND outcome = 'denied' ORDER BY occurred_at, id`,
      [id],
    );
    expect(denials.map((denial) => denial.action)).toEqual(['workflow.assign', 'workflow.delegate', 'workflow.claim']);
  });
});
