import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TestApp, accountsFor, SignIn, TestAccount, expectProblem, pointersOf } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Taking workflow transitions (DESIGN §5, docs/workflows.md "The engine"): every status code a
 * refusal maps to, separation of duties, quorums, terminal states (in the API and in the
 * database), If-Match, idempotent replays, and the history, audit and outbox records a sequence
 * leaves behind. Each test starts its own instances of one definition published by this file.
 */

interface Workflow {
  readonly id: string;
  readonly state: string;
  readonly terminal: boolean;
  readonly version: number;
  readonly definitionVersion: number;
}

interface HistoryEntry {
  readonly seq: number;
  readonly kind: string;
  readonly transition: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actorId: string;
  readonly input: Record<string, unknown> | null;
  readonly comment: string | null;
}

interface AuditEvent {
  readonly action: string;
  readonly outcome: string;
  readonly actor: { readonly displayName: string | null };
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

const REASON_INPUT = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 3 } },
  additionalProperties: false,
} as const;

const TRANSITION_NAMES = ['submit', 'approve', 'review', 'sign', 'ratify', 'reject'] as const;

/**
 * draft -submit-> submitted -approve-> approved -review-> reviewed -sign-> signed -ratify-> closed,
 * and `reject` (with a reason) from any of them to rejected. `approve` keeps the initiator out,
 * `review` whoever approved; `sign` needs step-up; `ratify` two distinct approvers.
 */
function contractDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Contract approval',
    // Open to every authenticated user, so that a refusal by role shows as its 403 rather than the
    // 404 of an instance the caller may not see (visibility has its own suite).
    visibility: 'authenticated',
    dataSchema: { type: 'object', properties: { amount: { type: 'number' } }, additionalProperties: false },
    states: [
      { name: 'draft', initial: true },
      { name: 'submitted' },
      { name: 'approved' },
      { name: 'reviewed' },
      { name: 'signed' },
      { name: 'closed', terminal: true },
      { name: 'rejected', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
      {
        name: 'approve',
        from: 'submitted',
        to: 'approved',
        role: 'approver',
        separationOfDuties: { notInitiator: true },
      },
      {
        name: 'review',
        from: 'approved',
        to: 'reviewed',
        role: 'approver',
        separationOfDuties: { notPreviousActorOf: ['approve'] },
      },
      { name: 'sign', from: 'reviewed', to: 'signed', role: 'approver', stepUp: true },
      { name: 'ratify', from: 'signed', to: 'closed', role: 'approver', quorum: 2 },
      {
        name: 'reject',
        from: ['draft', 'submitted', 'approved', 'reviewed', 'signed'],
        to: 'rejected',
        role: 'approver',
        input: REASON_INPUT,
      },
    ],
  };
}

describe('Workflow transitions', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let account: SignIn;
  const suffix = randomBytes(4).toString('hex');
  const key = `wf-trans-${suffix}`;
  let admin: TestAccount;
  let auditor: TestAccount;
  /** Starts most instances. */
  let requester: TestAccount;
  /** An initiator who also holds the approver role. */
  let initiatorApprover: TestAccount;
  let approver1: TestAccount;
  let approver2: TestAccount;
  /** An approver whose token carries no recent strong authentication. */
  let weakApprover: TestAccount;
  let viewer: TestAccount;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    account = accountsFor(testApp, 'wf-trans');
    admin = await account('admin', ['admin']);
    auditor = await account('auditor', ['auditor']);
    requester = await account('requester', ['requester']);
    initiatorApprover = await account('initiator-approver', ['approver']);
    approver1 = await account('approver1', ['approver']);
    approver2 = await account('approver2', ['approver']);
    weakApprover = await account('weak-approver', ['approver'], { stepUp: false });
    viewer = await account('viewer', ['viewer']);
    const published = await http.post('/v1/workflow-definitions').set(admin.auth).send(contractDocument(key));
    expect(published.status).toBe(201);
  });

  afterAll(() => testApp?.close());

  async function start(as: TestAccount = requester): Promise<Workflow> {
    const res = await http
      .post('/v1/workflows')
      .set(as.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: key, data: { amount: 100 } });
    expect(res.status).toBe(201);
    return res.body as Workflow;
  }

  const take = (
    as: TestAccount,
    id: string,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): request.Test =>
    http
      .post(`/v1/workflows/${id}/transitions`)
      .set(as.auth)
      .set({ 'Idempotency-Key': randomUUID(), ...headers })
      .send(body);

  async function moved(as: TestAccount, id: string, name: string, input?: Record<string, unknown>): Promise<Workflow> {
    const res = await take(as, id, input === undefined ? { name } : { name, input });
    expect({ status: res.status, outcome: res.body.outcome, code: res.body.code }).toEqual({
      status: 200,
      outcome: 'moved',
      code: undefined,
    });
    return res.body.workflow as Workflow;
  }

  /** Starts an instance as `initiator` and moves it along the happy path up to `state`. */
  async function startedIn(state: string, initiator: TestAccount = requester): Promise<Workflow> {
    const path: [name: string, to: string, as: TestAccount][] = [
      ['submit', 'submitted', initiator],
      ['approve', 'approved', approver1],
      ['review', 'reviewed', approver2],
      ['sign', 'signed', approver1],
    ];
    let workflow = await start(initiator);
    for (const [name, to, as] of path) {
      if (workflow.state === state) break;
      workflow = await moved(as, workflow.id, name);
      expect(workflow.state).toBe(to);
    }
    expect(workflow.state).toBe(state);
    return workflow;
  }

  const get = async (id: string) => http.get(`/v1/workflows/${id}`).set(auditor.auth).expect(200);

  async function historyOf(id: string): Promise<HistoryEntry[]> {
    const res = await http.get(`/v1/workflows/${id}/history`).query({ top: 200 }).set(auditor.auth).expect(200);
    return res.body.value as HistoryEntry[];
  }

  async function available(as: TestAccount, id: string) {
    const res = await http.get(`/v1/workflows/${id}/available-transitions`).set(as.auth).expect(200);
    return res.body as { state: string; value: Record<string, unknown>[] };
  }

  const countOf = async (sql: string, id: string) => Number((await db.query(sql, [id]))[0].n);

  /** Everything a transition writes; a refused one must leave all of it as it was. */
  async function snapshot(id: string) {
    const read = await get(id);
    return {
      workflow: read.body as unknown,
      etag: read.headers.etag,
      history: await historyOf(id),
      outbox: await countOf(`SELECT count(*) AS n FROM outbox_events WHERE aggregate_id = $1`, id),
      audited: await countOf(
        `SELECT count(*) AS n FROM audit_events WHERE resource_type = 'workflow' AND resource_id = $1 AND outcome = 'succeeded'`,
        id,
      ),
      idempotencyRecords: await countOf(
        `SELECT count(*) AS n FROM idempotency_records WHERE body -> 'workflow' ->> 'id' = $1`,
        id,
      ),
    };
  }

  async function expectNothingWritten(id: string, refusals: () => Promise<void>): Promise<void> {
    const before = await snapshot(id);
    await refusals();
    expect(await snapshot(id)).toEqual(before);
  }

  async function auditEventsOf(id: string): Promise<AuditEvent[]> {
    const res = await http
      .get('/v1/audit-events')
      .query({ resourceType: 'workflow', resourceId: id, top: 100 })
      .set(auditor.auth);
    expect(res.status).toBe(200);
    return res.body.value as AuditEvent[];
  }

  describe('refusals and their status codes', () => {
    it('409 transition_not_allowed when the current state does not allow it, with the state and the transitions that do', async () => {
      const workflow = await start();
      await expectNothingWritten(workflow.id, async () => {
        const res = await take(approver1, workflow.id, { name: 'approve' });
        expectProblem(res, 409, 'transition_not_allowed');
        expect(res.body.state).toBe('draft');
        expect(res.body.allowedTransitions).toEqual(['submit', 'reject']);
      });
    });

    it('403 insufficient_role with the role it needs', async () => {
      const workflow = await start();
      await expectNothingWritten(workflow.id, async () => {
        const byViewer = await take(viewer, workflow.id, { name: 'submit' });
        expectProblem(byViewer, 403, 'insufficient_role');
        expect(byViewer.body.requiredRole).toBe('requester');
        const byRequester = await take(requester, workflow.id, { name: 'reject', input: { reason: 'not mine' } });
        expectProblem(byRequester, 403, 'insufficient_role');
        expect(byRequester.body.requiredRole).toBe('approver');
      });
    });

    it('401 step_up_required with a WWW-Authenticate challenge; the same step with step-up goes through', async () => {
      const workflow = await startedIn('reviewed');
      await expectNothingWritten(workflow.id, async () => {
        const res = await take(weakApprover, workflow.id, { name: 'sign' });
        expectProblem(res, 401, 'step_up_required');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
        const [sign] = (await available(weakApprover, workflow.id)).value;
        expect(sign).toMatchObject({ name: 'sign', allowed: false, reason: 'step_up_required' });
      });
      expect(await moved(approver1, workflow.id, 'sign')).toMatchObject({ state: 'signed' });
    });

    it('400 validation_failed at /body/name for a transition the definition does not have', async () => {
      const workflow = await start();
      await expectNothingWritten(workflow.id, async () => {
        const unknown = await take(requester, workflow.id, { name: 'teleport' });
        expectProblem(unknown, 400, 'validation_failed');
        expect(unknown.body.errors).toEqual([
          expect.objectContaining({ pointer: '/body/name', code: 'unknown_transition' }),
        ]);
        const malformed = await take(requester, workflow.id, { name: 'Not A Name' });
        expectProblem(malformed, 400, 'validation_failed');
        expect(pointersOf(malformed)).toEqual(['/body/name']);
        const missing = await take(requester, workflow.id, {});
        expectProblem(missing, 400, 'validation_failed');
        expect(pointersOf(missing)).toEqual(['/body/name']);
      });
    });

    it('400 validation_failed for input failing the schema, every error under /body/input', async () => {
      const workflow = await start();
      await expectNothingWritten(workflow.id, async () => {
        const tooShort = await take(approver1, workflow.id, { name: 'reject', input: { reason: 'no' } });
        expectProblem(tooShort, 400, 'validation_failed');
        expect(tooShort.body.errors).toEqual([
          expect.objectContaining({ pointer: '/body/input/reason', code: 'minLength' }),
        ]);

        const missing = await take(approver1, workflow.id, { name: 'reject', input: {} });
        expectProblem(missing, 400, 'validation_failed');
        expect(missing.body.errors).toEqual([
          expect.objectContaining({ pointer: '/body/input/reason', code: 'required' }),
        ]);

        const noInput = await take(approver1, workflow.id, { name: 'reject' });
        expectProblem(noInput, 400, 'validation_failed');
        expect(pointersOf(noInput).every((pointer) => pointer.startsWith('/body/input'))).toBe(true);

        const several = await take(approver1, workflow.id, { name: 'reject', input: { reason: 42, extra: true } });
        expectProblem(several, 400, 'validation_failed');
        expect(pointersOf(several).sort()).toEqual(['/body/input/extra', '/body/input/reason']);

        // A transition without an input schema takes no input.
        const unexpected = await take(requester, workflow.id, { name: 'submit', input: { note: 'hi' } });
        expectProblem(unexpected, 400, 'validation_failed');
        expect(unexpected.body.errors).toEqual([
          expect.objectContaining({ pointer: '/body/input', code: 'unexpected_payload' }),
        ]);
      });
      const rejected = await take(approver1, workflow.id, { name: 'reject', input: { reason: 'too expensive' } });
      expect(rejected.status).toBe(200);
      expect(rejected.body.workflow).toMatchObject({ state: 'rejected', terminal: true });
      expect((await historyOf(workflow.id)).at(-1)).toMatchObject({
        kind: 'moved',
        transition: 'reject',
        input: { reason: 'too expensive' },
      });
    });

    it('checks the role before the input: a requester with an invalid input gets 403, not 400', async () => {
      const workflow = await start();
      const res = await take(requester, workflow.id, { name: 'reject', input: { reason: 'x' } });
      expectProblem(res, 403, 'insufficient_role');
    });

    it('404 for a transition on an unknown instance', async () => {
      expectProblem(await take(requester, randomUUID(), { name: 'submit' }), 404, 'not_found');
    });

    it('requires an Idempotency-Key', async () => {
      const workflow = await start();
      const res = await http
        .post(`/v1/workflows/${workflow.id}/transitions`)
        .set(requester.auth)
        .send({ name: 'submit' });
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toEqual(['/headers/idempotency-key']);
      expect((await get(workflow.id)).body.state).toBe('draft');
    });
  });

  describe('separation of duties', () => {
    it('keeps the initiator, even holding approver, from approving: 403 rule notInitiator', async () => {
      const workflow = await startedIn('submitted', initiatorApprover);
      await expectNothingWritten(workflow.id, async () => {
        const res = await take(initiatorApprover, workflow.id, { name: 'approve' });
        expectProblem(res, 403, 'separation_of_duties');
        expect(res.body.rule).toBe('notInitiator');
        const { value } = await available(initiatorApprover, workflow.id);
        expect(value.find((transition) => transition.name === 'approve')).toMatchObject({
          allowed: false,
          reason: 'separation_of_duties',
        });
      });
      expect(await moved(approver1, workflow.id, 'approve')).toMatchObject({ state: 'approved' });
    });

    it('keeps whoever approved from reviewing: 403 rule notPreviousActorOf approve', async () => {
      const workflow = await startedIn('approved');
      await expectNothingWritten(workflow.id, async () => {
        const res = await take(approver1, workflow.id, { name: 'review' });
        expectProblem(res, 403, 'separation_of_duties');
        expect(res.body).toMatchObject({ rule: 'notPreviousActorOf', previousTransition: 'approve' });
      });
      const forOther = await available(approver2, workflow.id);
      expect(forOther.value.find((transition) => transition.name === 'review')).toMatchObject({ allowed: true });
      expect(await moved(approver2, workflow.id, 'review')).toMatchObject({ state: 'reviewed' });
    });

    it('lets the initiator take the steps no rule keeps them from (reject)', async () => {
      const workflow = await startedIn('submitted', initiatorApprover);
      const withdrawn = await moved(initiatorApprover, workflow.id, 'reject', { reason: 'changed my mind' });
      expect(withdrawn).toMatchObject({ state: 'rejected', terminal: true });
    });
  });

  describe('quorum', () => {
    it('records the first vote without moving, refuses the same voter twice, and moves on a second voter', async () => {
      const workflow = await startedIn('signed');
      const before = (await get(workflow.id)).body as Workflow;
      const ratify = (value: Record<string, unknown>[]) => value.find((transition) => transition.name === 'ratify');
      expect(ratify((await available(approver1, workflow.id)).value)).toEqual({
        name: 'ratify',
        to: 'closed',
        allowed: true,
        votes: 0,
        required: 2,
      });

      const vote = await take(approver1, workflow.id, { name: 'ratify' });
      expect(vote.status).toBe(200);
      expect(vote.body).toMatchObject({ outcome: 'voted', transition: 'ratify', votes: 1, required: 2 });
      expect(vote.body.workflow).toMatchObject({ state: 'signed', terminal: false, version: before.version + 1 });
      expect(vote.headers.etag).toBe(`"${before.version + 1}"`);

      await expectNothingWritten(workflow.id, async () => {
        const again = await take(approver1, workflow.id, { name: 'ratify' });
        expectProblem(again, 409, 'already_voted');
        expect(again.body).toMatchObject({ votes: 1, required: 2 });
        expect(ratify((await available(approver1, workflow.id)).value)).toEqual(
          expect.objectContaining({ allowed: false, reason: 'already_voted', votes: 1, required: 2 }),
        );
      });
      const votes = (await historyOf(workflow.id)).filter((entry) => entry.kind === 'voted');
      expect(votes).toEqual([
        expect.objectContaining({
          transition: 'ratify',
          fromState: 'signed',
          toState: 'signed',
          actorId: approver1.id,
        }),
      ]);

      const second = await take(approver2, workflow.id, { name: 'ratify' });
      expect(second.status).toBe(200);
      expect(second.body.outcome).toBe('moved');
      expect(second.body.votes).toBeUndefined();
      expect(second.body.workflow).toMatchObject({ state: 'closed', terminal: true, version: before.version + 2 });
    });

    it('shows the votes so far to a voter whose vote would complete the quorum', async () => {
      const workflow = await startedIn('signed');
      expect((await take(approver2, workflow.id, { name: 'ratify' })).body.outcome).toBe('voted');
      const { value } = await available(approver1, workflow.id);
      // AvailableTransitionDto: "For a quorum transition: distinct votes so far, and how many it needs."
      expect(value.find((transition) => transition.name === 'ratify')).toEqual({
        name: 'ratify',
        to: 'closed',
        allowed: true,
        votes: 1,
        required: 2,
      });
    });
  });

  describe('transitions named after Object.prototype members', () => {
    it('takes, votes on and lists them like any other (history records keyed by name stay sound)', async () => {
      const protoKey = `wf-proto-${suffix}`;
      const document: WorkflowDefinitionDocument = {
        key: protoKey,
        title: 'Prototype names',
        states: [{ name: 'open', initial: true }, { name: 'voting' }, { name: 'done', terminal: true }],
        transitions: [
          { name: 'constructor', from: 'open', to: 'voting', role: 'requester' },
          { name: 'to_string', from: 'voting', to: 'done', role: 'approver', quorum: 2 },
        ],
      };
      expect((await http.post('/v1/workflow-definitions').set(admin.auth).send(document)).status).toBe(201);
      const started = await http
        .post('/v1/workflows')
        .set(requester.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ definitionKey: protoKey });
      expect(started.status).toBe(201);
      const id = started.body.id as string;

      await moved(requester, id, 'constructor');
      const vote = await take(approver1, id, { name: 'to_string' });
      expect(vote.body).toMatchObject({ outcome: 'voted', votes: 1, required: 2 });
      expect((await available(approver2, id)).value).toEqual([
        { name: 'to_string', to: 'done', allowed: true, votes: 1, required: 2 },
      ]);
      expectProblem(await take(approver1, id, { name: 'to_string' }), 409, 'already_voted');
      expect((await moved(approver2, id, 'to_string')).state).toBe('done');
    });
  });

  describe('terminal states', () => {
    it('refuses every transition with 409 and no allowed transitions, and lists none as available', async () => {
      const workflow = await startedIn('signed');
      await moved(approver1, workflow.id, 'reject', { reason: 'cancelled deal' });
      await expectNothingWritten(workflow.id, async () => {
        for (const name of TRANSITION_NAMES) {
          const input = name === 'reject' ? { reason: 'once more' } : undefined;
          const res = await take(admin, workflow.id, input ? { name, input } : { name });
          expectProblem(res, 409, 'transition_not_allowed');
          expect({ name, state: res.body.state, allowed: res.body.allowedTransitions }).toEqual({
            name,
            state: 'rejected',
            allowed: [],
          });
        }
        expect(await available(admin, workflow.id)).toEqual({ state: 'rejected', value: [] });
      });
    });

    it('is enforced by the database too: UPDATE and DELETE of a terminal instance fail', async () => {
      const workflow = await start();
      await moved(approver1, workflow.id, 'reject', { reason: 'not needed' });
      const before = await snapshot(workflow.id);
      await expect(
        db.query(`UPDATE workflow_instances SET state = 'draft' WHERE id = $1`, [workflow.id]),
      ).rejects.toThrow(/terminal state/);
      await expect(
        db.query(`UPDATE workflow_instances SET terminal = false, state = 'draft' WHERE id = $1`, [workflow.id]),
      ).rejects.toThrow(/terminal state/);
      await expect(db.query(`DELETE FROM workflow_instances WHERE id = $1`, [workflow.id])).rejects.toThrow(
        /terminal state/,
      );
      expect(await snapshot(workflow.id)).toEqual(before);
    });
  });

  describe('the answer', () => {
    it('is the instance exactly as a GET then reads it, body and ETag, for a move and for a vote', async () => {
      const signed = await startedIn('signed');
      const voted = await take(approver1, signed.id, { name: 'ratify' });
      expect({ status: voted.status, outcome: voted.body.outcome }).toEqual({ status: 200, outcome: 'voted' });
      const afterVote = await get(signed.id);
      expect(voted.body.workflow).toEqual(afterVote.body);
      expect(voted.headers.etag).toBe(afterVote.headers.etag);

      const moved = await take(requester, (await start()).id, { name: 'submit' });
      expect({ status: moved.status, outcome: moved.body.outcome }).toEqual({ status: 200, outcome: 'moved' });
      const afterMove = await get(moved.body.workflow.id);
      expect(moved.body.workflow).toEqual(afterMove.body);
      expect(moved.headers.etag).toBe(afterMove.headers.etag);
    });
  });

  describe('If-Match', () => {
    it('accepts the ETag from GET and answers with the next one', async () => {
      const workflow = await start();
      const read = await get(workflow.id);
      expect(read.headers.etag).toBe('"1"');
      const res = await take(requester, workflow.id, { name: 'submit' }, { 'If-Match': read.headers.etag });
      expect(res.status).toBe(200);
      expect(res.body.workflow).toMatchObject({ state: 'submitted', version: 2 });
      expect(res.headers.etag).toBe('"2"');
      expect((await get(workflow.id)).headers.etag).toBe('"2"');
    });

    it('refuses a stale ETag with 412 and changes nothing', async () => {
      const workflow = await start();
      const stale = (await get(workflow.id)).headers.etag;
      await moved(requester, workflow.id, 'submit');
      await expectNothingWritten(workflow.id, async () => {
        const res = await take(approver1, workflow.id, { name: 'approve' }, { 'If-Match': stale });
        expectProblem(res, 412, 'precondition_failed');
        expect(res.body.currentETag).toBe('"2"');
        const weak = await take(approver1, workflow.id, { name: 'approve' }, { 'If-Match': 'W/"2"' });
        expectProblem(weak, 412, 'precondition_failed');
      });
      const current = await take(approver1, workflow.id, { name: 'approve' }, { 'If-Match': `${stale}, "2"` });
      expect(current.status).toBe(200);
      expect(current.body.workflow.state).toBe('approved');
    });
  });

  describe('idempotent replay', () => {
    it('replays a retried transition: same body and ETag, marked, and one history entry', async () => {
      const workflow = await start();
      const idempotencyKey = randomUUID();
      const send = (body: Record<string, unknown>) =>
        http
          .post(`/v1/workflows/${workflow.id}/transitions`)
          .set(requester.auth)
          .set('Idempotency-Key', idempotencyKey)
          .send(body);
      const first = await send({ name: 'submit', comment: 'first try' });
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const retry = await send({ comment: 'first try', name: 'submit' });
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe(first.headers.etag);

      const history = await historyOf(workflow.id);
      expect(history.filter((entry) => entry.transition === 'submit')).toHaveLength(1);
      expect(history).toHaveLength(2);
      expect((await get(workflow.id)).body.version).toBe(2);

      await expectNothingWritten(workflow.id, async () => {
        const reused = await send({ name: 'submit', comment: 'another try' });
        expectProblem(reused, 422, 'idempotency_key_reused');
      });
    });

    it('does not keep a refused transition under its key: the same key applies once the state allows it', async () => {
      const workflow = await start();
      const idempotencyKey = randomUUID();
      const approve = () =>
        http
          .post(`/v1/workflows/${workflow.id}/transitions`)
          .set(approver1.auth)
          .set('Idempotency-Key', idempotencyKey)
          .send({ name: 'approve' });
      expectProblem(await approve(), 409, 'transition_not_allowed');
      await moved(requester, workflow.id, 'submit');
      const res = await approve();
      expect(res.status).toBe(200);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body.workflow.state).toBe('approved');
    });

    it('never answers for one instance with the stored result of another (same key and body, other id)', async () => {
      const first = await start();
      const second = await start();
      const idempotencyKey = randomUUID();
      const submit = (id: string) =>
        http
          .post(`/v1/workflows/${id}/transitions`)
          .set(requester.auth)
          .set('Idempotency-Key', idempotencyKey)
          .send({ name: 'submit' });
      expect((await submit(first.id)).status).toBe(200);
      const res = await submit(second.id);
      // Either the key is refused for a different request (422), or the second instance moves;
      // a replay of the first instance's answer would leave the second one in draft unnoticed.
      if (res.status === 422) {
        expectProblem(res, 422, 'idempotency_key_reused');
      } else {
        expect({ status: res.status, id: res.body.workflow?.id }).toEqual({ status: 200, id: second.id });
        expect((await get(second.id)).body.state).toBe('submitted');
      }
    });
  });

  describe('history, audit and outbox', () => {
    it('records exactly what happened, in order', async () => {
      const workflow = await start();
      const { id } = workflow;
      await moved(requester, id, 'submit');
      const withComment = await take(approver1, id, { name: 'approve', comment: 'looks right' });
      expect(withComment.status).toBe(200);
      // Refusals: one audited (separation of duties), one not (invalid input is the client's to fix).
      expectProblem(await take(approver1, id, { name: 'review' }), 403, 'separation_of_duties');
      expectProblem(await take(approver1, id, { name: 'reject', input: { reason: 'x' } }), 400, 'validation_failed');
      await moved(approver2, id, 'review');
      await moved(approver1, id, 'sign');
      expect((await take(approver1, id, { name: 'ratify' })).body.outcome).toBe('voted');
      const closed = await moved(approver2, id, 'ratify');
      expect(closed).toMatchObject({ state: 'closed', terminal: true, version: 7 });

      const history = await historyOf(id);
      expect(
        history.map(({ seq, kind, transition, fromState, toState, actorId }) => ({
          seq,
          kind,
          transition,
          fromState,
          toState,
          actorId,
        })),
      ).toEqual([
        { seq: 1, kind: 'started', transition: null, fromState: null, toState: 'draft', actorId: requester.id },
        {
          seq: 2,
          kind: 'moved',
          transition: 'submit',
          fromState: 'draft',
          toState: 'submitted',
          actorId: requester.id,
        },
        {
          seq: 3,
          kind: 'moved',
          transition: 'approve',
          fromState: 'submitted',
          toState: 'approved',
          actorId: approver1.id,
        },
        {
          seq: 4,
          kind: 'moved',
          transition: 'review',
          fromState: 'approved',
          toState: 'reviewed',
          actorId: approver2.id,
        },
        { seq: 5, kind: 'moved', transition: 'sign', fromState: 'reviewed', toState: 'signed', actorId: approver1.id },
        { seq: 6, kind: 'voted', transition: 'ratify', fromState: 'signed', toState: 'signed', actorId: approver1.id },
        { seq: 7, kind: 'moved', transition: 'ratify', fromState: 'signed', toState: 'closed', actorId: approver2.id },
      ]);
      expect(history[2].comment).toBe('looks right');

      // The audit log, newest first in the API: read it oldest first.
      const events = (await auditEventsOf(id)).reverse();
      expect(events.map(({ action, outcome }) => `${action} ${outcome}`)).toEqual([
        'workflow.started succeeded',
        'workflow.transitioned succeeded',
        'workflow.transitioned succeeded',
        'workflow.transition denied',
        'workflow.transitioned succeeded',
        'workflow.transitioned succeeded',
        'workflow.vote_recorded succeeded',
        'workflow.transitioned succeeded',
      ]);
      expect(events.map((event) => event.actor.displayName)).toEqual([
        requester.name,
        requester.name,
        approver1.name,
        approver1.name,
        approver2.name,
        approver1.name,
        approver1.name,
        approver2.name,
      ]);
      expect(events[0].after).toMatchObject({ state: 'draft', version: 1, definitionKey: key, definitionVersion: 1 });
      expect(events[2]).toMatchObject({
        before: { state: 'submitted', version: 2, terminal: false },
        after: { state: 'approved', version: 3, terminal: false, transition: 'approve' },
      });
      expect(events[3].after).toEqual({
        reason: 'separation_of_duties',
        transition: 'review',
        state: 'approved',
        engineReason: 'separation_of_duties',
        occurrences: 1,
      });
      expect(events[6].after).toMatchObject({ state: 'signed', version: 6, transition: 'ratify' });
      expect(events[7].after).toMatchObject({ state: 'closed', terminal: true, version: 7, transition: 'ratify' });

      const outbox = await db.query<{ topic: string; payload: Record<string, unknown> }[]>(
        `SELECT topic, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
        [id],
      );
      expect(outbox.map(({ topic, payload }) => [topic, payload.transition ?? null, payload.version ?? null])).toEqual([
        ['workflow.started', null, null],
        ['workflow.transitioned', 'submit', 2],
        ['workflow.transitioned', 'approve', 3],
        ['workflow.transitioned', 'review', 4],
        ['workflow.transitioned', 'sign', 5],
        ['workflow.vote_recorded', 'ratify', 6],
        ['workflow.transitioned', 'ratify', 7],
      ]);
      expect(outbox[6].payload).toEqual({
        workflowId: id,
        definitionKey: key,
        definitionVersion: 1,
        transition: 'ratify',
        from: 'signed',
        to: 'closed',
        terminal: true,
        actorType: 'user',
        actorId: approver2.id,
        version: 7,
      });
    });

    it.each([
      [
        'transition_not_allowed',
        'not_from_current_state',
        'draft',
        (id: string) => take(approver2, id, { name: 'sign' }),
      ],
      ['insufficient_role', 'insufficient_role', 'draft', (id: string) => take(viewer, id, { name: 'submit' })],
    ])('audits the %s refusal as a workflow.transition denial', async (code, engineReason, state, attempt) => {
      const workflow = await start();
      const res = await attempt(workflow.id);
      expect(res.body.code).toBe(code);
      const denials = (await auditEventsOf(workflow.id)).filter((event) => event.outcome === 'denied');
      expect(denials).toEqual([
        expect.objectContaining({
          action: 'workflow.transition',
          outcome: 'denied',
          after: expect.objectContaining({ reason: code, engineReason, state, occurrences: 1 }),
        }),
      ]);
    });

    it('audits a step-up refusal', async () => {
      const workflow = await startedIn('reviewed');
      expectProblem(await take(weakApprover, workflow.id, { name: 'sign' }), 401, 'step_up_required');
      const denials = (await auditEventsOf(workflow.id)).filter((event) => event.outcome === 'denied');
      expect(denials).toEqual([
        expect.objectContaining({
          action: 'workflow.transition',
          after: expect.objectContaining({ reason: 'step_up_required', transition: 'sign', state: 'reviewed' }),
        }),
      ]);
    });
  });
});
