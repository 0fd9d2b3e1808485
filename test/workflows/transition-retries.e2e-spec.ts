import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { accountsFor, type TestAccount, type TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A retry of a finished transition once its in-flight marker has run out (a client retrying
 * seconds later): no Redis marker answers for it, and the stored answer's lookup rides behind the
 * unit of work's first statement, the instance's lock (IdempotencyInterceptor, ADR 31). Whatever
 * has happened to the instance since, or to the caller's roles, the retry gets the first answer
 * and leaves nothing behind: no second step, no refusal, no audited denial.
 */
describe('Retries of a finished transition', () => {
  /** Short, so that the retries below come after it: a stored answer's marker runs it out. */
  const MARKER_LEASE_MS = 500;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let admin: TestAccount;
  let requester: TestAccount;
  let approver: TestAccount;
  let signIn: ReturnType<typeof accountsFor>;
  const key = `wf-retries-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { IDEMPOTENCY_MARKER_LEASE_MS: String(MARKER_LEASE_MS) } });
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    signIn = accountsFor(testApp, 'wf-retries');
    admin = await signIn('admin', ['admin']);
    requester = await signIn('requester', ['requester']);
    approver = await signIn('approver', ['approver']);
    const published = await http
      .post('/v1/workflow-definitions')
      .set(admin.auth)
      .send({
        key,
        title: 'Retried request',
        visibility: 'authenticated',
        states: [{ name: 'draft', initial: true }, { name: 'submitted' }, { name: 'approved', terminal: true }],
        transitions: [
          { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
          { name: 'approve', from: 'submitted', to: 'approved', role: 'approver' },
        ],
      });
    expect(published.status).toBe(201);
  });

  afterAll(() => testApp?.close());

  async function start(): Promise<string> {
    const res = await http
      .post('/v1/workflows')
      .set(requester.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: key });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const submit = (as: TestAccount, id: string, idempotencyKey: string) =>
    http
      .post(`/v1/workflows/${id}/transitions`)
      .set(as.auth)
      .set('Idempotency-Key', idempotencyKey)
      .send({ name: 'submit' });

  /** What a second run of the transition, or a refusal of it, would change. */
  async function traces(id: string) {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM workflow_history WHERE instance_id = $1::uuid)::int AS history,
              (SELECT count(*) FROM outbox_events WHERE aggregate_id = $1::uuid)::int AS outbox,
              (SELECT count(*) FROM audit_events WHERE resource_id = $1::text)::int AS audited,
              (SELECT count(*) FROM audit_events WHERE resource_id = $1::text AND outcome <> 'succeeded')::int AS refused,
              (SELECT version FROM workflow_instances WHERE id = $1::uuid) AS version`,
      [id],
    );
    return row as Record<string, number>;
  }

  it('replays the first answer though the instance has moved on, where running it again would be a 409', async () => {
    const id = await start();
    const idempotencyKey = randomUUID();
    const first = await submit(requester, id, idempotencyKey);
    expect(first.status).toBe(200);
    const approved = await http
      .post(`/v1/workflows/${id}/transitions`)
      .set(approver.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ name: 'approve' });
    expect(approved.status).toBe(200);
    await sleep(MARKER_LEASE_MS * 2);
    const before = await traces(id);

    const retry = await submit(requester, id, idempotencyKey);

    expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      replayed: 'true',
    });
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(await traces(id)).toEqual(before);
  });

  it('replays the first answer to a caller who has since lost the role, with no denial audited', async () => {
    const id = await start();
    const idempotencyKey = randomUUID();
    const first = await submit(requester, id, idempotencyKey);
    expect(first.status).toBe(200);
    await sleep(MARKER_LEASE_MS * 2);
    const before = await traces(id);
    // The same person, now signed in without the requester role: a fresh submit would be a 403.
    const demoted = await signIn('requester', ['viewer']);
    expect(demoted.id).toBe(requester.id);

    const retry = await submit(demoted, id, idempotencyKey);

    expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      replayed: 'true',
    });
    expect(retry.body).toEqual(first.body);
    expect(await traces(id)).toEqual(before);
  });

  it('still refuses the key for a different request (422) after the lease, changing nothing', async () => {
    const id = await start();
    const idempotencyKey = randomUUID();
    expect((await submit(requester, id, idempotencyKey)).status).toBe(200);
    await sleep(MARKER_LEASE_MS * 2);
    const before = await traces(id);

    const other = await http
      .post(`/v1/workflows/${id}/transitions`)
      .set(requester.auth)
      .set('Idempotency-Key', idempotencyKey)
      .send({ name: 'submit', comment: 'a different body' });

    expect({ status: other.status, code: other.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    expect(await traces(id)).toEqual(before);
  });
});
