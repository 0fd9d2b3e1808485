import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventually, TestApp, accountsFor, SignIn, TestAccount, expectProblem, pointersOf } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Instance-level authority (docs/workflows.md "Assignment" and "Who may do what"): the actor rules
 * (`initiator`, `assignee`), assigning, unassigning, claiming and delegating, who may see an
 * instance (404 otherwise) and list it, "waiting for me" against available-transitions, and the
 * race of many people claiming the same work. Every refusal is checked to change nothing: the same
 * instance (version, ETag, assignees), history, outbox and assignment rows. The database is shared
 * by the run: definition keys and user names carry this file's random suffix.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const CLAIM_RACERS = 10;

interface Workflow {
  readonly id: string;
  readonly state: string;
  readonly terminal: boolean;
  readonly version: number;
  readonly initiatorId: string;
  readonly assigneeIds: string[];
}

interface HistoryEntry {
  readonly seq: number;
  readonly kind: string;
  readonly transition: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actorId: string;
  readonly assigneeId: string | null;
  readonly comment: string | null;
}

interface AuditEvent {
  readonly action: string;
  readonly outcome: string;
  readonly actor: { readonly displayName: string | null };
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/**
 * draft -submit-> submitted (the initiator's); from submitted: approve and reject (an assigned
 * approver who is not the initiator) to terminal states, rework back to draft (the same), and
 * withdraw (the initiator's own).
 */
function reviewDocument(key: string, visibility?: 'authenticated'): WorkflowDefinitionDocument {
  const assigneeStep = {
    from: 'submitted',
    role: 'approver',
    actor: 'assignee',
    separationOfDuties: { notInitiator: true },
  } as const;
  return {
    key,
    title: 'Review',
    ...(visibility ? { visibility } : {}),
    states: [
      { name: 'draft', initial: true },
      { name: 'submitted' },
      { name: 'approved', terminal: true },
      { name: 'rejected', terminal: true },
      { name: 'withdrawn', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester', actor: 'initiator' },
      { name: 'approve', to: 'approved', ...assigneeStep },
      { name: 'reject', to: 'rejected', ...assigneeStep },
      { name: 'rework', to: 'draft', ...assigneeStep },
      { name: 'withdraw', from: 'submitted', to: 'withdrawn', role: 'requester', actor: 'initiator' },
    ],
  };
}

/**
 * For "waiting for me": submitted needs an assignee (or the initiator's withdraw), signing needs
 * step-up, voting a quorum of two distinct approvers.
 */
function inboxDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Inbox',
    states: [
      { name: 'draft', initial: true },
      { name: 'submitted' },
      { name: 'signing' },
      { name: 'voting' },
      { name: 'done', terminal: true },
      { name: 'dropped', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester', actor: 'initiator' },
      { name: 'withdraw', from: 'submitted', to: 'dropped', role: 'requester', actor: 'initiator' },
      {
        name: 'approve',
        from: 'submitted',
        to: 'signing',
        role: 'approver',
        actor: 'assignee',
        separationOfDuties: { notInitiator: true },
      },
      { name: 'sign', from: 'signing', to: 'voting', role: 'approver', stepUp: true },
      { name: 'ratify', from: 'voting', to: 'done', role: 'approver', quorum: 2 },
    ],
  };
}

/** How many responses had each status (and problem code). */
function tally(responses: request.Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const label = res.status === 200 ? '200' : `${res.status} ${res.body?.code}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('Workflow assignment, actor rules and visibility', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let account: SignIn;
  const suffix = randomBytes(4).toString('hex');
  /** Participants visibility (the default). */
  const reviewKey = `wf-asg-review-${suffix}`;
  /** The same definition, `visibility: authenticated`. */
  const openKey = `wf-asg-open-${suffix}`;
  const inboxKey = `wf-asg-inbox-${suffix}`;
  let admin: TestAccount;
  let auditor: TestAccount;
  let viewer: TestAccount;
  /** Starts most instances. */
  let requester: TestAccount;
  /** Another requester: never a participant unless a test makes them one. */
  let requester2: TestAccount;
  /** An initiator who holds approver too. */
  let initiatorApprover: TestAccount;
  let approver1: TestAccount;
  let approver2: TestAccount;
  let approver3: TestAccount;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { AUTH_ROLE_MAPPING: '' } });
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    account = accountsFor(testApp, 'wf-asg');
    admin = await account('admin', ['admin']);
    auditor = await account('auditor', ['auditor']);
    viewer = await account('viewer', ['viewer']);
    requester = await account('requester', ['requester']);
    requester2 = await account('requester2', ['requester']);
    initiatorApprover = await account('initiator-approver', ['approver']);
    approver1 = await account('approver1', ['approver']);
    approver2 = await account('approver2', ['approver']);
    approver3 = await account('approver3', ['approver']);
    for (const document of [
      reviewDocument(reviewKey),
      reviewDocument(openKey, 'authenticated'),
      inboxDocument(inboxKey),
    ]) {
      await http.post('/v1/workflow-definitions').set(admin.auth).send(document).expect(201);
    }
  });

  afterAll(() => testApp?.close());

  async function start(key: string, as: TestAccount = requester): Promise<Workflow> {
    const res = await http
      .post('/v1/workflows')
      .set(as.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: key });
    expect(res.status).toBe(201);
    return res.body as Workflow;
  }

  const take = (as: TestAccount, id: string, name: string, headers: Record<string, string> = {}): request.Test =>
    http
      .post(`/v1/workflows/${id}/transitions`)
      .set(as.auth)
      .set({ 'Idempotency-Key': randomUUID(), ...headers })
      .send({ name });

  async function moved(as: TestAccount, id: string, name: string): Promise<Workflow> {
    const res = await take(as, id, name);
    expect({ status: res.status, outcome: res.body.outcome, code: res.body.code }).toEqual({
      status: 200,
      outcome: 'moved',
      code: undefined,
    });
    return res.body.workflow as Workflow;
  }

  /** Started and submitted by `as`: in `submitted`, nobody assigned. */
  async function submitted(key: string, as: TestAccount = requester): Promise<Workflow> {
    const workflow = await start(key, as);
    return moved(as, workflow.id, 'submit');
  }

  const assign = (
    id: string,
    user: string,
    headers: Record<string, string> = {},
    as: TestAccount = admin,
  ): request.Test => http.put(`/v1/workflows/${id}/assignees/${user}`).set(as.auth).set(headers);

  async function assigned(id: string, user: TestAccount): Promise<Workflow> {
    const res = await assign(id, user.id);
    expect(res.status).toBe(200);
    return res.body as Workflow;
  }

  const unassign = (as: TestAccount, id: string, user: string): request.Test =>
    http.delete(`/v1/workflows/${id}/assignees/${user}`).set(as.auth);

  const claim = (as: TestAccount, id: string, idempotencyKey: string = randomUUID()): request.Test =>
    http.post(`/v1/workflows/${id}/claim`).set(as.auth).set('Idempotency-Key', idempotencyKey);

  const delegate = (as: TestAccount, id: string, body: Record<string, unknown>): request.Test =>
    http.post(`/v1/workflows/${id}/delegate`).set(as.auth).set('Idempotency-Key', randomUUID()).send(body);

  const read = (as: TestAccount, id: string): request.Test => http.get(`/v1/workflows/${id}`).set(as.auth);

  async function historyOf(id: string): Promise<HistoryEntry[]> {
    const res = await http.get(`/v1/workflows/${id}/history`).query({ top: 200 }).set(auditor.auth).expect(200);
    return res.body.value as HistoryEntry[];
  }

  const countOf = async (sql: string, id: string) => Number((await db.query(sql, [id]))[0].n);

  /** Everything an assignment change or transition writes; a refusal must leave all of it as it was. */
  async function snapshot(id: string) {
    const res = await read(auditor, id).expect(200);
    return {
      workflow: res.body as unknown,
      etag: res.headers.etag,
      history: await historyOf(id),
      outbox: await countOf(`SELECT count(*) AS n FROM outbox_events WHERE aggregate_id = $1`, id),
      assignments: await db.query(
        `SELECT user_id, assigned_by FROM workflow_assignments WHERE instance_id = $1 ORDER BY user_id`,
        [id],
      ),
      succeededAudit: await countOf(
        `SELECT count(*) AS n FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 AND outcome = 'succeeded'`,
        id,
      ),
    };
  }

  async function expectNothingWritten(id: string, refusals: () => Promise<void>): Promise<void> {
    const before = await snapshot(id);
    await refusals();
    expect(await snapshot(id)).toEqual(before);
  }

  async function auditEventsOf(id: string, query: Record<string, string> = {}): Promise<AuditEvent[]> {
    const res = await http
      .get('/v1/audit-events')
      .query({ resourceType: 'workflow', resourceId: id, top: 100, ...query })
      .set(auditor.auth);
    expect(res.status).toBe(200);
    return res.body.value as AuditEvent[];
  }

  const listIds = async (as: TestAccount, query: Record<string, string | boolean>) => {
    const res = await http
      .get('/v1/workflows')
      .query({ top: 200, ...query })
      .set(as.auth);
    expect(res.status).toBe(200);
    return (res.body.value as Workflow[]).map((workflow) => workflow.id);
  };

  describe('actor: initiator', () => {
    it('keeps another requester from submitting or withdrawing: 404 while they cannot see it; the initiator can', async () => {
      const draft = await start(reviewKey);
      await expectNothingWritten(draft.id, async () => {
        expectProblem(await take(requester2, draft.id, 'submit'), 404, 'not_found');
      });
      await moved(requester, draft.id, 'submit');
      await expectNothingWritten(draft.id, async () => {
        expectProblem(await take(requester2, draft.id, 'withdraw'), 404, 'not_found');
      });
      expect(await moved(requester, draft.id, 'withdraw')).toMatchObject({ state: 'withdrawn', terminal: true });
    });

    it('answers 403 initiator_only where the definition lets them see it (visibility: authenticated)', async () => {
      const draft = await start(openKey);
      await expectNothingWritten(draft.id, async () => {
        expectProblem(await take(requester2, draft.id, 'submit'), 403, 'initiator_only');
      });
      await moved(requester, draft.id, 'submit');
      await expectNothingWritten(draft.id, async () => {
        expectProblem(await take(requester2, draft.id, 'withdraw'), 403, 'initiator_only');
        // Holding a higher role changes nothing: it is the initiator's step.
        expectProblem(await take(admin, draft.id, 'withdraw'), 403, 'initiator_only');
      });
      expect(await moved(requester, draft.id, 'withdraw')).toMatchObject({ state: 'withdrawn' });
    });
  });

  describe('actor: assignee', () => {
    it('refuses an unassigned approver with 403 assignee_only on an open definition; assigned by an admin, they approve', async () => {
      const workflow = await submitted(openKey);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await take(approver1, workflow.id, 'approve'), 403, 'assignee_only');
      });
      await assigned(workflow.id, approver1);
      const approved = await moved(approver1, workflow.id, 'approve');
      expect(approved).toMatchObject({ state: 'approved', terminal: true, assigneeIds: [] });
      expect((await read(auditor, workflow.id).expect(200)).body.assigneeIds).toEqual([]);
      expect(await countOf(`SELECT count(*) AS n FROM workflow_assignments WHERE instance_id = $1`, workflow.id)).toBe(
        0,
      );
    });

    it('answers 404 to an approver who cannot see it (someone else is assigned), 403 while it is unassigned', async () => {
      const workflow = await submitted(reviewKey);
      // Unassigned: approver2 may claim it, so may see it, and is told why not.
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await take(approver2, workflow.id, 'approve'), 403, 'assignee_only');
      });
      await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await take(approver2, workflow.id, 'approve'), 404, 'not_found');
      });
      expect(await moved(approver1, workflow.id, 'approve')).toMatchObject({ state: 'approved' });
    });

    it('lets whoever claimed it take it, and a move (back to draft) ends every assignment', async () => {
      const workflow = await submitted(reviewKey);
      expect((await claim(approver1, workflow.id)).status).toBe(200);
      const reworked = await moved(approver1, workflow.id, 'rework');
      expect(reworked).toMatchObject({ state: 'draft', assigneeIds: [] });
      const again = await moved(requester, workflow.id, 'submit');
      expect(again).toMatchObject({ state: 'submitted', assigneeIds: [] });
      // The old assignee is no longer assigned in the new visit: the step is not theirs until reassigned.
      expectProblem(await take(approver1, workflow.id, 'approve'), 403, 'assignee_only');
      expect(await countOf(`SELECT count(*) AS n FROM workflow_assignments WHERE instance_id = $1`, workflow.id)).toBe(
        0,
      );
    });
  });

  describe('assign (PUT …/assignees/{userId}, admins)', () => {
    it('assigns: 200, version and ETag bumped, history, audit and outbox; assigning again changes nothing', async () => {
      const workflow = await submitted(reviewKey);
      const before = await read(admin, workflow.id).expect(200);
      const res = await assign(workflow.id, approver1.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: workflow.id, state: 'submitted', assigneeIds: [approver1.id] });
      expect(res.body.version).toBe(before.body.version + 1);
      expect(res.headers.etag).toBe(`"${before.body.version + 1}"`);
      const after = await read(admin, workflow.id).expect(200);
      expect(after.headers.etag).toBe(res.headers.etag);
      expect(after.body.assigneeIds).toEqual([approver1.id]);

      const history = await historyOf(workflow.id);
      expect(history).toHaveLength(3);
      expect(history[2]).toMatchObject({
        seq: 3,
        kind: 'assigned',
        transition: null,
        fromState: null,
        toState: 'submitted',
        actorId: admin.id,
        assigneeId: approver1.id,
        comment: null,
      });

      const [event] = await auditEventsOf(workflow.id, { action: 'workflow.assigned' });
      expect(event).toMatchObject({
        action: 'workflow.assigned',
        outcome: 'succeeded',
        actor: { displayName: admin.name },
        before: { state: 'submitted', assigneeIds: [], version: before.body.version },
        after: { state: 'submitted', assigneeIds: [approver1.id], version: res.body.version, assigneeId: approver1.id },
      });

      const outbox = await db.query<{ topic: string; payload: Record<string, unknown> }[]>(
        `SELECT topic, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
        [workflow.id],
      );
      expect(outbox.map(({ topic }) => topic)).toEqual([
        'workflow.started',
        'workflow.transitioned',
        'workflow.assignment_changed',
      ]);
      expect(outbox[2].payload).toEqual({
        workflowId: workflow.id,
        definitionKey: reviewKey,
        definitionVersion: 1,
        state: 'submitted',
        change: 'assigned',
        actorId: admin.id,
        assigneeId: approver1.id,
        assigneeIds: [approver1.id],
        assignedRole: null,
        version: res.body.version,
      });

      await expectNothingWritten(workflow.id, async () => {
        const again = await assign(workflow.id, approver1.id);
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ assigneeIds: [approver1.id], version: res.body.version });
        expect(again.headers.etag).toBe(res.headers.etag);
      });
    });

    it('refuses with 409 not_eligible whoever could take nothing if assigned, and changes nothing', async () => {
      const suspended = await account(`suspended-${randomBytes(2).toString('hex')}`, ['approver']);
      const current = await http.get(`/v1/users/${suspended.id}`).set(admin.auth).expect(200);
      await http
        .patch(`/v1/users/${suspended.id}`)
        .set(admin.auth)
        .set('If-Match', current.headers.etag)
        .send({ status: 'suspended' })
        .expect(200);

      const workflow = await submitted(reviewKey, initiatorApprover);
      await expectNothingWritten(workflow.id, async () => {
        const cases: [string, string][] = [
          ['a requester, for steps that need approver', requester2.id],
          ['the initiator, for steps that keep the initiator out', initiatorApprover.id],
          ['an id no user has', randomUUID()],
          ['a suspended approver', suspended.id],
        ];
        for (const [who, id] of cases) {
          const res = await assign(workflow.id, id);
          expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 409, code: 'not_eligible' });
          expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        }
      });
      // The same step is assignable to an eligible approver.
      expect((await assigned(workflow.id, approver1)).assigneeIds).toEqual([approver1.id]);
    });

    it('refuses on a terminal instance with 409 not_eligible', async () => {
      const workflow = await submitted(reviewKey);
      await moved(requester, workflow.id, 'withdraw');
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await assign(workflow.id, approver1.id), 409, 'not_eligible');
      });
    });

    it('refuses a stale If-Match with 412 and changes nothing; the current one goes through', async () => {
      const workflow = await submitted(reviewKey);
      const stale = (await read(admin, workflow.id).expect(200)).headers.etag;
      const first = await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        const res = await assign(workflow.id, approver2.id, { 'If-Match': stale });
        expectProblem(res, 412, 'precondition_failed');
        expect(res.body.currentETag).toBe(`"${first.version}"`);
      });
      const current = await assign(workflow.id, approver2.id, { 'If-Match': `"${first.version}"` });
      expect(current.status).toBe(200);
      expect(current.body.assigneeIds).toEqual([approver1.id, approver2.id]);
    });

    it('is for admins only: an approver who may see it gets 403 insufficient_role', async () => {
      const workflow = await submitted(openKey);
      await expectNothingWritten(workflow.id, async () => {
        const res = await assign(workflow.id, approver1.id, {}, approver1);
        expectProblem(res, 403, 'insufficient_role');
        expect(res.body.requiredRole).toBe('admin');
      });
    });
  });

  describe('unassign (DELETE …/assignees/{userId})', () => {
    it('lets an admin unassign: 200, history unassigned, audit and outbox', async () => {
      const workflow = await submitted(reviewKey);
      const assignedTo = await assigned(workflow.id, approver1);
      const res = await unassign(admin, workflow.id, approver1.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assigneeIds: [], version: assignedTo.version + 1 });
      expect(res.headers.etag).toBe(`"${assignedTo.version + 1}"`);
      expect((await historyOf(workflow.id)).at(-1)).toMatchObject({
        kind: 'unassigned',
        actorId: admin.id,
        assigneeId: approver1.id,
      });
      expect((await auditEventsOf(workflow.id, { action: 'workflow.unassigned' }))[0]).toMatchObject({
        outcome: 'succeeded',
        before: { assigneeIds: [approver1.id] },
        after: { assigneeIds: [], assigneeId: approver1.id },
      });
      const [outbox] = await db.query<{ payload: Record<string, unknown> }[]>(
        `SELECT payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id DESC LIMIT 1`,
        [workflow.id],
      );
      expect(outbox.payload).toMatchObject({ change: 'unassigned', assigneeId: approver1.id, assigneeIds: [] });
    });

    it('lets an assignee unassign themself, and stay a participant', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      const res = await unassign(approver1, workflow.id, approver1.id);
      expect(res.status).toBe(200);
      expect(res.body.assigneeIds).toEqual([]);
      expect((await historyOf(workflow.id)).at(-1)).toMatchObject({
        kind: 'unassigned',
        actorId: approver1.id,
        assigneeId: approver1.id,
      });
      expect((await read(approver1, workflow.id)).status).toBe(200);
    });

    it('refuses the initiator (a participant, not an admin) and a fellow assignee with 403 forbidden', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      await assigned(workflow.id, approver2);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await unassign(requester, workflow.id, approver1.id), 403, 'forbidden');
        expectProblem(await unassign(approver2, workflow.id, approver1.id), 403, 'forbidden');
      });
    });

    it('answers 200 and changes nothing for someone not assigned', async () => {
      const workflow = await submitted(reviewKey);
      const assignedTo = await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        const res = await unassign(admin, workflow.id, approver2.id);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ assigneeIds: [approver1.id], version: assignedTo.version });
      });
    });
  });

  describe('claim (POST …/claim)', () => {
    it('assigns an eligible approver to unassigned work; again changes nothing; another approver gets 409 already_assigned', async () => {
      const workflow = await submitted(openKey);
      const res = await claim(approver1, workflow.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assigneeIds: [approver1.id], version: workflow.version + 1 });
      expect(res.headers.etag).toBe(`"${workflow.version + 1}"`);
      expect((await historyOf(workflow.id)).at(-1)).toMatchObject({
        kind: 'assigned',
        actorId: approver1.id,
        assigneeId: approver1.id,
      });
      expect((await auditEventsOf(workflow.id, { action: 'workflow.claimed' }))[0]).toMatchObject({
        outcome: 'succeeded',
        actor: { displayName: approver1.name },
        after: { assigneeIds: [approver1.id], assigneeId: approver1.id },
      });

      await expectNothingWritten(workflow.id, async () => {
        const again = await claim(approver1, workflow.id);
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ assigneeIds: [approver1.id], version: workflow.version + 1 });
        const taken = await claim(approver2, workflow.id);
        expectProblem(taken, 409, 'already_assigned');
        expect(taken.body.assigneeIds).toEqual([approver1.id]);
      });
    });

    it('answers a second approver with 404 under participants visibility: once taken, it is not theirs to see', async () => {
      const workflow = await submitted(reviewKey);
      expect((await claim(approver1, workflow.id)).status).toBe(200);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await claim(approver2, workflow.id), 404, 'not_found');
      });
    });

    it('refuses a requester: 409 not_eligible on an open definition, 404 where they cannot see it', async () => {
      const open = await submitted(openKey);
      await expectNothingWritten(open.id, async () => {
        const res = await claim(requester2, open.id);
        expectProblem(res, 409, 'not_eligible');
        expect(res.body.state).toBe('submitted');
        // The initiator's own withdraw needs no assignment: they are not eligible either.
        expectProblem(await claim(requester, open.id), 409, 'not_eligible');
      });
      const closed = await submitted(reviewKey);
      await expectNothingWritten(closed.id, async () => {
        expectProblem(await claim(requester2, closed.id), 404, 'not_found');
      });
    });

    it('requires an Idempotency-Key and replays a retry with the same one', async () => {
      const workflow = await submitted(reviewKey);
      await expectNothingWritten(workflow.id, async () => {
        const res = await http.post(`/v1/workflows/${workflow.id}/claim`).set(approver1.auth);
        expectProblem(res, 400, 'validation_failed');
        expect(pointersOf(res)).toEqual(['/headers/idempotency-key']);
      });
      const key = randomUUID();
      const first = await claim(approver1, workflow.id, key);
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      await expectNothingWritten(workflow.id, async () => {
        const retry = await claim(approver1, workflow.id, key);
        expect(retry.status).toBe(200);
        expect(retry.headers['idempotent-replayed']).toBe('true');
        expect(retry.body).toEqual(first.body);
        expect(retry.headers.etag).toBe(first.headers.etag);
      });
      expect((await historyOf(workflow.id)).filter((entry) => entry.kind === 'assigned')).toHaveLength(1);
    });

    it('audits the claim of an ineligible person as a workflow.claim denial', async () => {
      const workflow = await submitted(openKey);
      expectProblem(await claim(requester2, workflow.id), 409, 'not_eligible');
      const denials = await auditEventsOf(workflow.id, { outcome: 'denied' });
      expect(denials).toEqual([
        expect.objectContaining({
          action: 'workflow.claim',
          outcome: 'denied',
          actor: expect.objectContaining({ displayName: requester2.name }),
          after: expect.objectContaining({ reason: 'not_eligible', state: 'submitted', occurrences: 1 }),
        }),
      ]);
    });
  });

  describe(`concurrency: ${CLAIM_RACERS} eligible approvers claiming at once, a change queued behind another`, () => {
    let racers: TestAccount[];

    beforeAll(async () => {
      racers = [];
      for (let i = 0; i < CLAIM_RACERS; i++) racers.push(await account(`racer-${i}`, ['approver']));
    });

    /**
     * Fires every racer's claim at once and sums up what came back and what the database holds,
     * so that one failure shows all of it.
     */
    async function race(key: string) {
      const workflow = await submitted(key);
      const responses = await Promise.all(racers.map((racer) => claim(racer, workflow.id).then((res) => res)));
      const assignments = await db.query<{ user_id: string }[]>(
        `SELECT user_id FROM workflow_assignments WHERE instance_id = $1`,
        [workflow.id],
      );
      const after = (await read(auditor, workflow.id).expect(200)).body as Workflow;
      const winners = responses.filter((res) => res.status === 200).map((res) => (res.body as Workflow).assigneeIds);
      return {
        tally: tally(responses),
        winnersSaw: winners,
        assignmentRows: assignments.length,
        assignedHistoryLines: (await historyOf(workflow.id)).filter((entry) => entry.kind === 'assigned').length,
        assigneeIds: after.assigneeIds.length,
        versionBump: after.version - workflow.version,
        losersSaw: responses
          .filter((res) => res.status === 409)
          .map((res) => (res.body.assigneeIds as string[] | undefined)?.length),
      };
    }

    it('lets exactly one win; the others get 409 already_assigned (visibility: authenticated)', async () => {
      expect(await race(openKey)).toEqual({
        tally: { '200': 1, '409 already_assigned': CLAIM_RACERS - 1 },
        winnersSaw: [[expect.any(String)]],
        assignmentRows: 1,
        assignedHistoryLines: 1,
        assigneeIds: 1,
        versionBump: 1,
        losersSaw: Array.from({ length: CLAIM_RACERS - 1 }, () => 1),
      });
    });

    // Under participants visibility a loser could see the instance only because they could claim
    // it; after the winner's commit they no longer may (docs/workflows.md "Who may do what": once
    // the step is taken by someone else, they no longer see it), so they get the 404 of an id that
    // never existed, as losers of a transition race do, and learn nothing of who took it.
    it('lets exactly one win; the others, who may no longer see it, get 404 (visibility: participants)', async () => {
      expect(await race(reviewKey)).toEqual({
        tally: { '200': 1, '404 not_found': CLAIM_RACERS - 1 },
        winnersSaw: [[expect.any(String)]],
        assignmentRows: 1,
        assignedHistoryLines: 1,
        assigneeIds: 1,
        versionBump: 1,
        losersSaw: [],
      });
    });

    /**
     * The same question made deterministic: the test holds the instance's row lock, a delegation
     * and then the old assignee's approval queue behind it, and the lock is let go. The approval
     * takes the lock after the delegation committed, so it must be judged on the assignees the
     * delegation left (docs/workflows.md: "Transitions and assignment changes on one instance take
     * turns on its row lock").
     */
    it('judges a transition queued behind a delegation on the assignees after it: 403 assignee_only', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      const holder = db.createQueryRunner();
      await holder.connect();
      /** Backends waiting, directly, on one of `pids`: whatever statement they wait in. */
      const blockedBy = async (pids: number[]) =>
        (
          await db.query<{ pid: number }[]>(
            `SELECT pid FROM pg_stat_activity WHERE pg_blocking_pids(pid) && $1::int[] ORDER BY pid`,
            [pids],
          )
        ).map((row) => row.pid);
      const untilBlocked = async (pids: number[], count: number) => {
        let blocked: number[] = [];
        await eventually(async () => {
          blocked = await blockedBy(pids);
          expect(blocked).toHaveLength(count);
        }, 5_000);
        return blocked;
      };
      let delegation: Promise<request.Response> | undefined;
      let approval: Promise<request.Response> | undefined;
      try {
        await holder.startTransaction();
        const [{ pid }] = (await holder.query(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[];
        await holder.query(`SELECT id FROM workflow_instances WHERE id = $1 FOR UPDATE`, [workflow.id]);
        delegation = delegate(approver1, workflow.id, { to: approver2.id }).then((res) => res);
        const [delegator] = await untilBlocked([pid], 1);
        // Queued behind the delegation (Postgres grants a row lock to its waiters in turn).
        approval = take(approver1, workflow.id, 'approve').then((res) => res);
        await untilBlocked([pid, delegator], 2);
      } finally {
        await holder.commitTransaction().catch(() => undefined);
        await holder.release();
      }
      const [delegated, approved] = await Promise.all([delegation, approval]);
      const after = (await read(auditor, workflow.id).expect(200)).body as Workflow;
      expect({
        delegation: delegated?.status,
        approval: `${approved?.status} ${approved?.body.code}`,
        state: after.state,
        assigneeIds: after.assigneeIds,
      }).toEqual({
        delegation: 200,
        approval: '403 assignee_only',
        state: 'submitted',
        assigneeIds: [approver2.id],
      });
    });
  });

  describe('delegate (POST …/delegate)', () => {
    it('hands over to another eligible approver: 200, history delegated with the comment, audit and outbox', async () => {
      const workflow = await submitted(reviewKey);
      const assignedTo = await assigned(workflow.id, approver1);
      const res = await delegate(approver1, workflow.id, { to: approver2.id, comment: 'on leave' });
      expect(res.status).toBe(200);
      expect(res.body.assigneeIds).toEqual([approver2.id]);
      expect(res.body.version).toBe(assignedTo.version + 1);
      expect((await historyOf(workflow.id)).at(-1)).toMatchObject({
        kind: 'delegated',
        actorId: approver1.id,
        assigneeId: approver2.id,
        comment: 'on leave',
      });
      expect((await auditEventsOf(workflow.id, { action: 'workflow.delegated' }))[0]).toMatchObject({
        outcome: 'succeeded',
        before: { assigneeIds: [approver1.id] },
        after: { assigneeIds: [approver2.id], assigneeId: approver2.id },
      });
      const [outbox] = await db.query<{ payload: Record<string, unknown> }[]>(
        `SELECT payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id DESC LIMIT 1`,
        [workflow.id],
      );
      expect(outbox.payload).toMatchObject({ change: 'delegated', actorId: approver1.id, assigneeIds: [approver2.id] });

      // The old assignee stays a participant: they still see it, but the step is no longer theirs.
      expect((await read(approver1, workflow.id)).status).toBe(200);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await take(approver1, workflow.id, 'approve'), 403, 'assignee_only');
      });
      expect(await moved(approver2, workflow.id, 'approve')).toMatchObject({ state: 'approved' });
    });

    it('refuses whoever is not assigned but may see it with 403 assignee_only', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        expectProblem(await delegate(requester, workflow.id, { to: approver2.id }), 403, 'assignee_only');
        expectProblem(await delegate(admin, workflow.id, { to: approver2.id }), 403, 'assignee_only');
      });
    });

    it('refuses handing over to yourself (400 at /body/to), to an ineligible person (409), to a fellow assignee (409)', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      await assigned(workflow.id, approver2);
      await expectNothingWritten(workflow.id, async () => {
        const self = await delegate(approver1, workflow.id, { to: approver1.id });
        expectProblem(self, 400, 'validation_failed');
        expect(pointersOf(self)).toEqual(['/body/to']);
        expectProblem(await delegate(approver1, workflow.id, { to: requester2.id }), 409, 'not_eligible');
        expectProblem(await delegate(approver1, workflow.id, { to: requester.id }), 409, 'not_eligible');
        const fellow = await delegate(approver1, workflow.id, { to: approver2.id });
        expectProblem(fellow, 409, 'already_assigned');
        expect(fellow.body.assigneeIds).toEqual([approver1.id, approver2.id]);
      });
    });

    it('answers a `to` that is not a UUID with 400 at /body/to', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        const res = await delegate(approver1, workflow.id, { to: 'someone' });
        expectProblem(res, 400, 'validation_failed');
        expect(pointersOf(res)).toEqual(['/body/to']);
      });
    });
  });

  describe('visibility', () => {
    it('answers a non-participant who cannot act with 404 on every instance endpoint, as for an unknown id', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      await expectNothingWritten(workflow.id, async () => {
        for (const outsider of [approver2, requester2, viewer]) {
          const attempts: [string, request.Test][] = [
            ['GET', read(outsider, workflow.id)],
            ['history', http.get(`/v1/workflows/${workflow.id}/history`).set(outsider.auth)],
            ['available', http.get(`/v1/workflows/${workflow.id}/available-transitions`).set(outsider.auth)],
            ['transitions', take(outsider, workflow.id, 'approve')],
            ['claim', claim(outsider, workflow.id)],
            ['delegate', delegate(outsider, workflow.id, { to: approver3.id })],
            ['unassign', unassign(outsider, workflow.id, outsider.id)],
          ];
          for (const [what, attempt] of attempts) {
            const res = await attempt;
            expect({ who: outsider.name, what, status: res.status, code: res.body.code }).toEqual({
              who: outsider.name,
              what,
              status: 404,
              code: 'not_found',
            });
            expect(res.body.detail).toBe(`There is no workflow ${workflow.id}.`);
          }
        }
      });
    });

    it('lists it for the initiator, the assignee, admins and auditors, not for others', async () => {
      const workflow = await submitted(reviewKey);
      await assigned(workflow.id, approver1);
      for (const insider of [requester, approver1, admin, auditor]) {
        expect({
          who: insider.name,
          listed: (await listIds(insider, { definitionKey: reviewKey })).includes(workflow.id),
        }).toEqual({ who: insider.name, listed: true });
      }
      for (const outsider of [approver2, requester2, viewer]) {
        expect({
          who: outsider.name,
          listed: (await listIds(outsider, { definitionKey: reviewKey })).includes(workflow.id),
        }).toEqual({ who: outsider.name, listed: false });
        expect(await listIds(outsider, { definitionKey: reviewKey, initiator: requester.id })).not.toContain(
          workflow.id,
        );
      }
    });

    it('shows unassigned work to an approver who may claim it, and hides it once someone else claims it', async () => {
      const workflow = await submitted(reviewKey);
      expect(await listIds(approver2, { definitionKey: reviewKey })).toContain(workflow.id);
      expect((await read(approver2, workflow.id)).status).toBe(200);
      expect((await claim(approver1, workflow.id)).status).toBe(200);
      expect(await listIds(approver2, { definitionKey: reviewKey })).not.toContain(workflow.id);
      expectProblem(await read(approver2, workflow.id), 404, 'not_found');
      // The claimer, now a participant, still sees it.
      expect(await listIds(approver1, { definitionKey: reviewKey })).toContain(workflow.id);
    });

    it('makes it readable by any signed-in user with visibility: authenticated', async () => {
      const workflow = await submitted(openKey);
      await assigned(workflow.id, approver1);
      expect((await read(viewer, workflow.id)).status).toBe(200);
      expect((await http.get(`/v1/workflows/${workflow.id}/history`).set(viewer.auth)).status).toBe(200);
      const available = await http.get(`/v1/workflows/${workflow.id}/available-transitions`).set(viewer.auth);
      expect(available.status).toBe(200);
      expect((available.body.value as { allowed: boolean }[]).every((transition) => !transition.allowed)).toBe(true);
      expect(await listIds(viewer, { definitionKey: openKey })).toContain(workflow.id);
    });
  });

  describe('waiting for me', () => {
    it('lists exactly the instances where available-transitions offers the caller something (step-up aside)', async () => {
      const weakApprover = await account('weak-approver', ['approver'], { stepUp: false });
      const draft = await start(inboxKey);
      const unassigned = await submitted(inboxKey);
      const assignedToApprover1 = await submitted(inboxKey);
      await assigned(assignedToApprover1.id, approver1);
      // Signing needs step-up: weakApprover's only obstacle, so it waits for them.
      const signing = await submitted(inboxKey);
      await assigned(signing.id, approver2);
      await moved(approver2, signing.id, 'approve');
      // Voting: approver1 has voted already, so it no longer waits for them.
      const voting = await submitted(inboxKey);
      await assigned(voting.id, approver2);
      await moved(approver2, voting.id, 'approve');
      await moved(approver2, voting.id, 'sign');
      expect((await take(approver1, voting.id, 'ratify')).body.outcome).toBe('voted');
      const done = await submitted(inboxKey);
      await moved(requester, done.id, 'withdraw');
      const instances = { draft, unassigned, assignedToApprover1, signing, voting, done };
      const nameOf = (id: string) => Object.entries(instances).find(([, workflow]) => workflow.id === id)?.[0] ?? id;

      const personas: [TestAccount, string[]][] = [
        [requester, ['draft', 'unassigned', 'assignedToApprover1']],
        [requester2, []],
        [approver1, ['assignedToApprover1', 'signing']],
        [approver2, ['signing', 'voting']],
        [weakApprover, ['signing', 'voting']],
        [admin, ['signing', 'voting']],
        [auditor, []],
        [viewer, []],
      ];
      const mismatches: string[] = [];
      for (const [persona, expected] of personas) {
        const offered: string[] = [];
        for (const [name, workflow] of Object.entries(instances)) {
          const res = await http.get(`/v1/workflows/${workflow.id}/available-transitions`).set(persona.auth);
          if (res.status === 404) continue;
          expect(res.status).toBe(200);
          const value = res.body.value as { allowed: boolean; reason?: string }[];
          if (value.some((transition) => transition.allowed || transition.reason === 'step_up_required')) {
            offered.push(name);
          }
        }
        const listed = (await listIds(persona, { definitionKey: inboxKey, waitingForMe: true })).map(nameOf);
        const verdict = { listed: [...listed].sort(), offered: offered.sort(), expected: [...expected].sort() };
        if (verdict.listed.join() !== verdict.offered.join() || verdict.listed.join() !== verdict.expected.join()) {
          mismatches.push(`${persona.name}: ${JSON.stringify(verdict)}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
