import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { TestApp, accountsFor, SignIn, TestAccount, expectProblem, pointersOf } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Workflow instances (DESIGN §5): starting one, version pinning, reading, and the list's filters
 * and paging. Transitions are in instances-transitions.e2e-spec.ts. The database is shared by the
 * whole run, so every definition key and user name carries this file's random suffix, and list
 * assertions always filter by a definition key of this file.
 */

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Workflow {
  readonly id: string;
  readonly definitionKey: string;
  readonly definitionVersion: number;
  readonly state: string;
  readonly terminal: boolean;
  readonly data: Record<string, unknown> | null;
  readonly initiatorId: string;
  readonly version: number;
  readonly createdAt: string;
}

/** draft → submitted → approved (terminal); `reject` from both; amounts are required data. */
function claimDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Expense claim',
    dataSchema: {
      type: 'object',
      required: ['amount'],
      properties: { amount: { type: 'number', minimum: 0 }, note: { type: 'string', maxLength: 200 } },
      additionalProperties: false,
    },
    states: [
      { name: 'draft', initial: true },
      { name: 'submitted' },
      { name: 'approved', terminal: true },
      { name: 'rejected', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
      { name: 'approve', from: 'submitted', to: 'approved', role: 'approver' },
      { name: 'reject', from: ['draft', 'submitted'], to: 'rejected', role: 'approver' },
    ],
  };
}

/** A second version of a key with other states and transitions: new → triaged → closed. */
function triageDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Expense claim (triage)',
    states: [{ name: 'new', initial: true }, { name: 'triaged' }, { name: 'closed', terminal: true }],
    transitions: [
      { name: 'triage', from: 'new', to: 'triaged', role: 'requester' },
      { name: 'close', from: 'triaged', to: 'closed', role: 'approver' },
    ],
  };
}

/** The list's order: newest first, ties (same millisecond) broken by id, descending. */
function newestFirst(...workflows: Workflow[]): string[] {
  return [...workflows]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .map((workflow) => workflow.id);
}

/** The path and query of an absolute `nextLink`, for supertest. */
function relative(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

describe('Workflow instances: start, read, list', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let account: SignIn;
  let admin: TestAccount;
  let requester: TestAccount;
  let approver: TestAccount;
  let viewer: TestAccount;
  const suffix = randomBytes(4).toString('hex');
  let counter = 0;
  const newKey = () => `wf-inst-${suffix}-${++counter}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    account = accountsFor(testApp, 'wf-inst');
    admin = await account('admin', ['admin']);
    requester = await account('requester', ['requester']);
    approver = await account('approver', ['approver']);
    viewer = await account('viewer', ['viewer']);
  });

  afterAll(() => testApp?.close());

  async function publish(document: WorkflowDefinitionDocument): Promise<number> {
    const res = await http.post('/v1/workflow-definitions').set(admin.auth).send(document);
    expect(res.status).toBe(201);
    return res.body.version as number;
  }

  const start = (as: TestAccount, body: Record<string, unknown>) =>
    http.post('/v1/workflows').set(as.auth).set('Idempotency-Key', randomUUID()).send(body);

  async function started(
    as: TestAccount,
    key: string,
    data: Record<string, unknown> = { amount: 10 },
  ): Promise<Workflow> {
    const res = await start(as, { definitionKey: key, data });
    expect(res.status).toBe(201);
    return res.body as Workflow;
  }

  const take = (as: TestAccount, id: string, body: Record<string, unknown>) =>
    http.post(`/v1/workflows/${id}/transitions`).set(as.auth).set('Idempotency-Key', randomUUID()).send(body);

  async function moved(as: TestAccount, id: string, name: string): Promise<Workflow> {
    const res = await take(as, id, { name });
    expect({ status: res.status, outcome: res.body.outcome }).toEqual({ status: 200, outcome: 'moved' });
    return res.body.workflow as Workflow;
  }

  const availableNames = async (as: TestAccount, id: string) => {
    const res = await http.get(`/v1/workflows/${id}/available-transitions`).set(as.auth).expect(200);
    return (res.body.value as { name: string }[]).map((transition) => transition.name);
  };

  const listIds = async (as: TestAccount, query: Record<string, string | number | boolean>) => {
    const res = await http.get('/v1/workflows').query(query).set(as.auth);
    expect(res.status).toBe(200);
    return (res.body.value as Workflow[]).map((workflow) => workflow.id);
  };

  describe('starting', () => {
    it('answers 201 with Location, ETag, the initial state and the pinned definition version', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const res = await start(requester, { definitionKey: key, data: { amount: 120.5, note: 'train' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        definitionKey: key,
        definitionVersion: 1,
        state: 'draft',
        terminal: false,
        data: { amount: 120.5, note: 'train' },
        initiatorId: requester.id,
        assigneeIds: [],
        assignedRole: null,
        pendingTimers: [],
        version: 1,
        createdAt: expect.stringMatching(ISO_MILLIS),
        updatedAt: expect.stringMatching(ISO_MILLIS),
      });
      expect(res.headers.location).toBe(`${testApp.url}/v1/workflows/${res.body.id}`);
      expect(res.headers.etag).toBe('"1"');

      const read = await http.get(new URL(res.headers.location).pathname).set(requester.auth).expect(200);
      expect(read.body).toEqual(res.body);
      expect(read.headers.etag).toBe('"1"');
      const history = await http.get(`/v1/workflows/${res.body.id}/history`).set(requester.auth).expect(200);
      expect(history.body.value).toEqual([
        {
          seq: 1,
          kind: 'started',
          transition: null,
          fromState: null,
          toState: 'draft',
          actorType: 'user',
          actorId: requester.id,
          assigneeId: null,
          assignedRole: null,
          input: null,
          comment: null,
          changes: [],
          occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
      ]);
    });

    it('answers data failing the dataSchema with 400, one pointer under /body/data per problem, and starts nothing', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const wrongTypes = await start(requester, { definitionKey: key, data: { amount: 'lots', colour: 'red' } });
      expectProblem(wrongTypes, 400, 'validation_failed');
      expect(pointersOf(wrongTypes).sort()).toEqual(['/body/data/amount', '/body/data/colour']);

      const missing = await start(requester, { definitionKey: key, data: { note: 'no amount' } });
      expectProblem(missing, 400, 'validation_failed');
      expect(missing.body.errors).toEqual([
        expect.objectContaining({ pointer: '/body/data/amount', code: 'required' }),
      ]);

      const absent = await start(requester, { definitionKey: key });
      expectProblem(absent, 400, 'validation_failed');
      expect(pointersOf(absent)).toEqual(['/body/data']);

      expect(await listIds(requester, { definitionKey: key })).toEqual([]);
    });

    it('refuses data for a definition without a dataSchema, and starts it without any', async () => {
      const key = newKey();
      await publish(triageDocument(key));
      const res = await start(requester, { definitionKey: key, data: { amount: 1 } });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/body/data', code: 'unexpected_payload' })]);
      const ok = await start(requester, { definitionKey: key });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ state: 'new', data: null });
    });

    it('answers an unknown definition with 400 at /body/definitionKey, an unknown version at /body/definitionVersion', async () => {
      const unknown = await start(requester, { definitionKey: `wf-nothing-${suffix}`, data: { amount: 1 } });
      expectProblem(unknown, 400, 'validation_failed');
      expect(unknown.body.errors).toEqual([
        expect.objectContaining({ pointer: '/body/definitionKey', code: 'unknown_definition' }),
      ]);

      const key = newKey();
      await publish(claimDocument(key));
      const noVersion = await start(requester, { definitionKey: key, definitionVersion: 2, data: { amount: 1 } });
      expectProblem(noVersion, 400, 'validation_failed');
      expect(pointersOf(noVersion)).toEqual(['/body/definitionVersion']);

      const malformed = await start(requester, { definitionKey: 'Not A Key', data: { amount: 1 } });
      expectProblem(malformed, 400, 'validation_failed');
      expect(pointersOf(malformed)).toContain('/body/definitionKey');
    });

    it('refuses a viewer-only user with 403 insufficient_role and starts nothing', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const res = await start(viewer, { definitionKey: key, data: { amount: 1 } });
      expectProblem(res, 403, 'insufficient_role');
      expect(res.body.requiredRole).toBe('requester');
      expect(await listIds(admin, { definitionKey: key })).toEqual([]);
    });

    it('starts 50 instances at once, every one 201 (never a 500 from an exhausted connection pool)', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => start(requester, { definitionKey: key, data: { amount: i } })),
      );
      const failures = responses.filter((res) => res.status !== 201).map((res) => `${res.status} ${res.body.code}`);
      expect(failures).toEqual([]);
      const ids = new Set(responses.map((res) => res.body.id as string));
      expect(ids.size).toBe(50);
      expect(await listIds(requester, { definitionKey: key, top: 200 })).toHaveLength(50);
    });

    it('requires an Idempotency-Key', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const res = await http
        .post('/v1/workflows')
        .set(requester.auth)
        .send({ definitionKey: key, data: { amount: 1 } });
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toEqual(['/headers/idempotency-key']);
    });
  });

  describe('version pinning', () => {
    it('keeps an instance on the version it started with after a new version is published', async () => {
      const key = newKey();
      expect(await publish(claimDocument(key))).toBe(1);
      const onV1 = await started(requester, key);
      expect(onV1).toMatchObject({ definitionVersion: 1, state: 'draft' });

      expect(await publish(triageDocument(key))).toBe(2);
      const onV2 = (await start(requester, { definitionKey: key })).body as Workflow;
      expect(onV2).toMatchObject({ definitionVersion: 2, state: 'new' });

      // The v1 instance still follows v1: its transitions, not v2's.
      expect((await http.get(`/v1/workflows/${onV1.id}`).set(requester.auth).expect(200)).body.definitionVersion).toBe(
        1,
      );
      expect(await availableNames(requester, onV1.id)).toEqual(['submit', 'reject']);
      const triage = await take(requester, onV1.id, { name: 'triage' });
      expectProblem(triage, 400, 'validation_failed');
      expect(triage.body.errors).toEqual([
        expect.objectContaining({ pointer: '/body/name', code: 'unknown_transition' }),
      ]);
      expect(await moved(requester, onV1.id, 'submit')).toMatchObject({ state: 'submitted', definitionVersion: 1 });
      expect(await moved(approver, onV1.id, 'approve')).toMatchObject({ state: 'approved', terminal: true });

      // And the v2 instance follows v2.
      expect(await availableNames(requester, onV2.id)).toEqual(['triage']);
      expectProblem(await take(requester, onV2.id, { name: 'submit' }), 400, 'validation_failed');
      expect(await moved(requester, onV2.id, 'triage')).toMatchObject({ state: 'triaged', definitionVersion: 2 });
    });

    it('starts on an older version when definitionVersion names it', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      await publish(triageDocument(key));
      const res = await start(requester, { definitionKey: key, definitionVersion: 1, data: { amount: 5 } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ definitionVersion: 1, state: 'draft', data: { amount: 5 } });
      // v1's dataSchema applies, not v2's (which declares none).
      const invalid = await start(requester, { definitionKey: key, definitionVersion: 1, data: { amount: -1 } });
      expectProblem(invalid, 400, 'validation_failed');
      expect(pointersOf(invalid)).toEqual(['/body/data/amount']);
      expect(await availableNames(requester, res.body.id as string)).toEqual(['submit', 'reject']);
    });
  });

  describe('reading', () => {
    it('answers 404 for an unknown id on every read and on transitions, and 400 for an id that is not a UUID', async () => {
      const id = randomUUID();
      for (const path of [
        `/v1/workflows/${id}`,
        `/v1/workflows/${id}/available-transitions`,
        `/v1/workflows/${id}/history`,
      ]) {
        expectProblem(await http.get(path).set(viewer.auth), 404, 'not_found');
      }
      expectProblem(await take(requester, id, { name: 'submit' }), 404, 'not_found');
      const notUuid = await http.get('/v1/workflows/not-a-uuid').set(viewer.auth);
      expectProblem(notUuid, 400, 'validation_failed');
      expect(pointersOf(notUuid)).toEqual(['/path/id']);
    });

    it('requires authentication', async () => {
      const res = await http.get('/v1/workflows');
      expectProblem(res, 401, 'unauthenticated');
    });
  });

  describe('listing', () => {
    it('filters by definition key and state, newest first', async () => {
      const key = newKey();
      const other = newKey();
      await publish(claimDocument(key));
      await publish(claimDocument(other));
      const first = await started(requester, key);
      const second = await started(requester, key);
      const third = await started(requester, key);
      const elsewhere = await started(requester, other);
      await moved(requester, second.id, 'submit');

      expect(await listIds(requester, { definitionKey: key })).toEqual(newestFirst(first, second, third));
      expect(await listIds(requester, { definitionKey: key, state: 'submitted' })).toEqual([second.id]);
      expect(await listIds(requester, { definitionKey: key, state: 'draft' })).toEqual(newestFirst(first, third));
      expect(await listIds(requester, { definitionKey: key, state: 'approved' })).toEqual([]);
      expect(await listIds(requester, { definitionKey: other })).toEqual([elsewhere.id]);
    });

    it('filters by initiator: me, or a user id', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const other = await account(`other-requester-${counter}`, ['requester']);
      const mine = await started(requester, key);
      const theirs = await started(other, key);
      const mineToo = await started(requester, key);

      expect(await listIds(requester, { definitionKey: key, initiator: 'me' })).toEqual(newestFirst(mine, mineToo));
      expect(await listIds(other, { definitionKey: key, initiator: 'me' })).toEqual([theirs.id]);
      expect(await listIds(admin, { definitionKey: key, initiator: other.id })).toEqual([theirs.id]);
      expect(await listIds(admin, { definitionKey: key, initiator: other.id.toUpperCase() })).toEqual([theirs.id]);
      expect(await listIds(admin, { definitionKey: key, initiator: 'me' })).toEqual([]);
      // Naming someone else does not reach past what the caller may see (a viewer can act on none).
      expect(await listIds(viewer, { definitionKey: key, initiator: other.id })).toEqual([]);
      const invalid = await http.get('/v1/workflows').query({ initiator: 'someone' }).set(viewer.auth);
      expectProblem(invalid, 400, 'validation_failed');
      expect(pointersOf(invalid)).toEqual(['/query/initiator']);
    });

    it('waitingForMe: instances where a transition is offered to the caller now', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const draft = await started(requester, key);
      const submitted = await started(requester, key);
      const finished = await started(requester, key);
      await moved(requester, submitted.id, 'submit');
      await moved(approver, finished.id, 'reject');

      // Approvers act in draft (reject) and submitted (approve, reject); nobody acts in a terminal state.
      expect(await listIds(approver, { definitionKey: key, waitingForMe: true })).toEqual(
        newestFirst(draft, submitted),
      );
      // Requesters act in draft only (submit).
      expect(await listIds(requester, { definitionKey: key, waitingForMe: true })).toEqual([draft.id]);
      // No transition is a viewer's to take.
      expect(await listIds(viewer, { definitionKey: key, waitingForMe: true })).toEqual([]);
      // false means no filter.
      expect(await listIds(admin, { definitionKey: key, waitingForMe: false })).toEqual(
        newestFirst(draft, submitted, finished),
      );
    });

    it('pages with top=1 through nextLink, every instance once, and no nextLink on the last page', async () => {
      const key = newKey();
      await publish(claimDocument(key));
      const created: Workflow[] = [];
      for (let i = 0; i < 3; i++) created.push(await started(requester, key));

      const seen: string[] = [];
      let res = await http.get('/v1/workflows').query({ definitionKey: key, top: 1 }).set(requester.auth).expect(200);
      for (let page = 0; page < 10; page++) {
        expect(res.body.value).toHaveLength(1);
        seen.push(...(res.body.value as Workflow[]).map((workflow) => workflow.id));
        if (res.body.nextLink === undefined) break;
        const next = new URL(res.body.nextLink as string);
        expect(next.searchParams.get('definitionKey')).toBe(key);
        expect(next.searchParams.get('top')).toBe('1');
        res = await http
          .get(relative(res.body.nextLink as string))
          .set(requester.auth)
          .expect(200);
      }
      expect(seen).toEqual(newestFirst(...created));

      const all = await http.get('/v1/workflows').query({ definitionKey: key, top: 3 }).set(requester.auth).expect(200);
      expect(all.body.value).toHaveLength(3);
      expect(all.body.nextLink).toBeUndefined();
    });

    it('refuses a top above the maximum and a forged cursor with 400', async () => {
      expectProblem(await http.get('/v1/workflows').query({ top: 201 }).set(viewer.auth), 400, 'validation_failed');
      const forged = await http.get('/v1/workflows').query({ cursor: 'not-a-cursor' }).set(viewer.auth);
      expectProblem(forged, 400, 'validation_failed');
    });
  });
});
