import { randomBytes, randomUUID } from 'node:crypto';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { type Account, WebhookScenario } from './webhook-scenario';

/**
 * The webhook subscriptions API (docs/webhooks.md): admin only, step-up for every change, audited,
 * If-Match on PATCH, the secret shown once and sealed at rest, rotation, the SSRF rule at creation,
 * and bad input answered with problems that change nothing. Loopback 127.0.0.1 is allowlisted in
 * this app, so receivers can be addressed at all; every other internal address is refused (a host
 * name resolving to loopback: receiver-address.spec.ts, and at delivery time in the deliveries
 * suite). No worker runs here: deliveries have their own suite.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const RECEIVER = 'http://127.0.0.1:9/hooks';

function expectProblem(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code as unknown }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
}

function pointersOf(res: request.Response): string[] {
  return ((res.body.errors ?? []) as { pointer: string }[]).map((error) => error.pointer);
}

describe('Webhook subscriptions', () => {
  let testApp: TestApp;
  let scenario: WebhookScenario;
  let db: DataSource;
  let weakAdmin: Account;
  let approver: Account;
  const secretsKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    testApp = await createTestApp({
      env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', WEBHOOK_SECRETS_KEY: secretsKey },
    });
    db = testApp.app.get(DataSource);
    scenario = new WebhookScenario(testApp);
    await scenario.setUp();
    weakAdmin = await scenario.account('weak-admin', ['admin'], false);
    approver = scenario.approver;
  });

  afterAll(() => testApp?.close());

  const http = () => scenario.http;
  /** This file's admin's subscriptions: other suites create and delete theirs meanwhile. */
  const countSubscriptions = async () =>
    Number(
      (
        await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM webhook_subscriptions WHERE created_by = $1`, [
          scenario.admin.id,
        ])
      )[0].n,
    );
  const auditActions = async (id: string) =>
    (
      await db.query<{ action: string; actor_type: string }[]>(
        `SELECT action, actor_type FROM audit_events WHERE resource_id = $1 ORDER BY pos`,
        [id],
      )
    ).map((row) => `${row.actor_type}:${row.action}`);

  describe('creating', () => {
    it('answers 201 with Location, ETag and the secret, once; stores it sealed; audits without it', async () => {
      const res = await http()
        .post('/v1/webhook-subscriptions')
        .set(scenario.admin.auth)
        .send({ url: RECEIVER, eventTypes: ['workflow.completed'], description: 'ERP' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toMatch(new RegExp(`/v1/webhook-subscriptions/${res.body.id}$`));
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        url: RECEIVER,
        eventTypes: ['workflow.completed'],
        definitionKeys: null,
        status: 'enabled',
        pausedReason: null,
        consecutiveFailures: 0,
        description: 'ERP',
      });
      const secret = res.body.secret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

      const read = await http().get(`/v1/webhook-subscriptions/${res.body.id}`).set(scenario.admin.auth).expect(200);
      expect(read.body).not.toHaveProperty('secret');
      expect(JSON.stringify(read.body)).not.toContain(secret.slice(6));
      const listed = await http().get('/v1/webhook-subscriptions?top=200').set(scenario.admin.auth).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));

      const [row] = await db.query<{ secret_sealed: string }[]>(
        `SELECT secret_sealed FROM webhook_subscriptions WHERE id = $1`,
        [res.body.id],
      );
      expect(row.secret_sealed).toMatch(/^aes256gcm:/);
      expect(row.secret_sealed).not.toContain(secret.slice(6));
      expect(await auditActions(res.body.id as string)).toEqual(['user:webhook_subscription.created']);
      const [audit] = await db.query<{ after: unknown }[]>(`SELECT after FROM audit_events WHERE resource_id = $1`, [
        res.body.id,
      ]);
      expect(JSON.stringify(audit.after)).not.toContain(secret.slice(6));
    });

    it.each([
      ['a loopback address not allowlisted', 'http://127.0.0.2:8080/x', /127\.0\.0\.2, a loopback address/],
      ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.2]/x', /loopback/],
      ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data', /metadata/],
      ['a private address', 'https://10.1.2.3/hook', /private/],
      ['a unique-local IPv6 address', 'https://[fd00::1]/hook', /unique-local/],
      ['a link-local IPv6 address', 'https://[fe80::1]/hook', /link-local/],
      ['multicast', 'http://224.0.0.1/x', /multicast/],
      ['another scheme', 'ftp://127.0.0.1/x', /must use https/],
      ['credentials in the URL', 'http://user:pw@127.0.0.1/x', /credentials/],
      ['no URL at all', 'not a url', /not an absolute URL/],
    ])('refuses %s with 422 pointing at the URL, creating nothing', async (_case, url, detail) => {
      const before = await countSubscriptions();
      const res = await http()
        .post('/v1/webhook-subscriptions')
        .set(scenario.admin.auth)
        .send({ url, eventTypes: ['workflow.started'] });
      expectProblem(res, 422, 'webhook_target_refused');
      expect(res.body.detail).toMatch(detail);
      expect(pointersOf(res)).toEqual(['/body/url']);
      expect(await countSubscriptions()).toBe(before);
    });

    it.each([
      ['no URL', { eventTypes: ['workflow.started'] }, '/body/url'],
      ['no event types', { url: RECEIVER }, '/body/eventTypes'],
      ['an empty list of event types', { url: RECEIVER, eventTypes: [] }, '/body/eventTypes'],
      ['an unknown event type', { url: RECEIVER, eventTypes: ['workflow.exploded'] }, '/body/eventTypes'],
      [
        'a repeated event type',
        { url: RECEIVER, eventTypes: ['workflow.started', 'workflow.started'] },
        '/body/eventTypes',
      ],
      [
        'a malformed definition key',
        { url: RECEIVER, eventTypes: ['workflow.started'], definitionKeys: ['Bad Key'] },
        '/body/definitionKeys',
      ],
      ['an unknown field', { url: RECEIVER, eventTypes: ['workflow.started'], secret: 'whsec_mine' }, '/body/secret'],
      [
        'a URL too long',
        { url: `http://127.0.0.1/${'a'.repeat(2048)}`, eventTypes: ['workflow.started'] },
        '/body/url',
      ],
    ])('refuses %s with 400, creating nothing', async (_case, body, pointer) => {
      const before = await countSubscriptions();
      const res = await http().post('/v1/webhook-subscriptions').set(scenario.admin.auth).send(body);
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toContain(pointer);
      expect(await countSubscriptions()).toBe(before);
    });
  });

  describe('who may', () => {
    let id: string;
    let etag: string;

    beforeAll(async () => {
      ({ id, etag } = await scenario.subscribe(RECEIVER));
    });

    const writes = (): [string, () => request.Test][] => [
      [
        'create',
        () =>
          http()
            .post('/v1/webhook-subscriptions')
            .send({ url: RECEIVER, eventTypes: ['workflow.started'] }),
      ],
      [
        'change',
        () => http().patch(`/v1/webhook-subscriptions/${id}`).set('If-Match', etag).send({ status: 'paused' }),
      ],
      ['delete', () => http().delete(`/v1/webhook-subscriptions/${id}`)],
      ['rotate the secret', () => http().post(`/v1/webhook-subscriptions/${id}/rotate-secret`)],
      ['redeliver', () => http().post(`/v1/webhook-subscriptions/${id}/deliveries/${randomUUID()}/redeliver`)],
    ];

    it('refuses every change to an admin without step-up (401 step_up_required), changing nothing', async () => {
      const before = await countSubscriptions();
      for (const [, send] of writes()) {
        const res = await send().set(weakAdmin.auth);
        expectProblem(res, 401, 'step_up_required');
      }
      expect(await countSubscriptions()).toBe(before);
      const read = await http().get(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).expect(200);
      expect({ etag: read.headers.etag, status: read.body.status }).toEqual({ etag, status: 'enabled' });
    });

    it('refuses everything to a non-admin (403 insufficient_role), reads included', async () => {
      for (const [, send] of writes()) expectProblem(await send().set(approver.auth), 403, 'insufficient_role');
      for (const path of ['', `/${id}`, `/${id}/deliveries`]) {
        expectProblem(
          await http().get(`/v1/webhook-subscriptions${path}`).set(approver.auth),
          403,
          'insufficient_role',
        );
      }
      expectProblem(await http().get('/v1/webhook-subscriptions'), 401, 'unauthenticated');
    });

    it('lets an admin without step-up read', async () => {
      await http().get(`/v1/webhook-subscriptions/${id}`).set(weakAdmin.auth).expect(200);
      await http().get(`/v1/webhook-subscriptions/${id}/deliveries`).set(weakAdmin.auth).expect(200);
    });
  });

  describe('changing', () => {
    it('requires If-Match (428), refuses a stale one (412), and changes nothing then', async () => {
      const { id, etag } = await scenario.subscribe(RECEIVER);
      const patch = () => http().patch(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth);
      expectProblem(await patch().send({ status: 'paused' }), 428, 'precondition_required');
      expectProblem(await patch().set('If-Match', '"7"').send({ status: 'paused' }), 412, 'precondition_failed');
      const read = await http().get(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).expect(200);
      expect({ etag: read.headers.etag, status: read.body.status }).toEqual({ etag, status: 'enabled' });
    });

    it('pauses with a reason, resumes, edits; each change audited and moving the ETag', async () => {
      const { id, etag } = await scenario.subscribe(RECEIVER);
      const patch = (ifMatch: string, body: Record<string, unknown>) =>
        http().patch(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).set('If-Match', ifMatch).send(body);

      const paused = await patch(etag, { status: 'paused', pausedReason: 'Receiver migrating this weekend' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ status: 'paused', pausedReason: 'Receiver migrating this weekend' });
      expect(paused.body.pausedAt).toEqual(expect.any(String));
      expect(paused.headers.etag).toBe('"2"');

      const resumed = await patch(paused.headers.etag, { status: 'enabled' });
      expect(resumed.body).toMatchObject({ status: 'enabled', pausedReason: null, pausedAt: null });

      const edited = await patch(resumed.headers.etag, {
        eventTypes: ['workflow.completed'],
        definitionKeys: null,
        url: 'http://127.0.0.1:10/other',
      });
      expect(edited.body).toMatchObject({
        eventTypes: ['workflow.completed'],
        definitionKeys: null,
        url: 'http://127.0.0.1:10/other',
      });
      const unchanged = await patch(edited.headers.etag, { eventTypes: ['workflow.completed'] });
      expect(unchanged.headers.etag).toBe(edited.headers.etag);

      expect(await auditActions(id)).toEqual([
        'user:webhook_subscription.created',
        'user:webhook_subscription.paused',
        'user:webhook_subscription.resumed',
        'user:webhook_subscription.updated',
      ]);
    });

    it.each([
      ['a refused URL', { url: 'http://10.0.0.1/x' }, 422, 'webhook_target_refused'],
      ['an unknown event type', { eventTypes: ['nope'] }, 400, 'validation_failed'],
      ['a reason without a pause', { pausedReason: 'why' }, 400, 'validation_failed'],
      ['an unknown status', { status: 'deleted' }, 400, 'validation_failed'],
    ])('refuses %s, changing nothing', async (_case, body, status, code) => {
      const { id, etag } = await scenario.subscribe(RECEIVER);
      const res = await http()
        .patch(`/v1/webhook-subscriptions/${id}`)
        .set(scenario.admin.auth)
        .set('If-Match', etag)
        .send(body);
      expectProblem(res, status, code);
      const read = await http().get(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).expect(200);
      expect(read.headers.etag).toBe(etag);
      expect(await auditActions(id)).toEqual(['user:webhook_subscription.created']);
    });
  });

  it('rotates the secret: a new one, shown once; the old one signs until the window ends', async () => {
    const { id, secret } = await scenario.subscribe(RECEIVER);
    const res = await http().post(`/v1/webhook-subscriptions/${id}/rotate-secret`).set(scenario.admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(secret);
    const ends = Date.parse(res.body.previousSecretExpiresAt as string);
    expect(ends - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
    const read = await http().get(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).expect(200);
    expect(read.body.previousSecretExpiresAt).toBe(res.body.previousSecretExpiresAt);
    expect(read.body).not.toHaveProperty('secret');
    expect(await auditActions(id)).toEqual([
      'user:webhook_subscription.created',
      'user:webhook_subscription.secret_rotated',
    ]);
  });

  it('deletes (If-Match honoured when sent), audited; then 404 everywhere', async () => {
    const { id, etag } = await scenario.subscribe(RECEIVER);
    expectProblem(
      await http().delete(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).set('If-Match', '"9"'),
      412,
      'precondition_failed',
    );
    await http().delete(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth).set('If-Match', etag).expect(204);
    expectProblem(await http().get(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth), 404, 'not_found');
    expectProblem(
      await http().get(`/v1/webhook-subscriptions/${id}/deliveries`).set(scenario.admin.auth),
      404,
      'not_found',
    );
    expectProblem(await http().delete(`/v1/webhook-subscriptions/${id}`).set(scenario.admin.auth), 404, 'not_found');
    expect(await auditActions(id)).toEqual(['user:webhook_subscription.created', 'user:webhook_subscription.deleted']);
  });

  it('lists newest first with nextLink paging, and refuses a forged cursor', async () => {
    const first = await scenario.subscribe(RECEIVER);
    const second = await scenario.subscribe(RECEIVER);
    const page = await http().get('/v1/webhook-subscriptions?top=1').set(scenario.admin.auth).expect(200);
    expect((page.body.value as { id: string }[]).map((s) => s.id)).toEqual([second.id]);
    const next = new URL(page.body.nextLink as string);
    const page2 = await http().get(`${next.pathname}${next.search}`).set(scenario.admin.auth).expect(200);
    expect(page2.body.value[0].id).toBe(first.id);
    expectProblem(
      await http().get('/v1/webhook-subscriptions?cursor=bm9wZQ').set(scenario.admin.auth),
      400,
      'validation_failed',
    );
    expectProblem(
      await http().get(`/v1/webhook-subscriptions/${first.id}/deliveries?cursor=bm9wZQ`).set(scenario.admin.auth),
      400,
      'validation_failed',
    );
  });

  it('answers 404 for deliveries of an unknown subscription or an unknown delivery', async () => {
    const { id } = await scenario.subscribe(RECEIVER);
    expectProblem(
      await http().get(`/v1/webhook-subscriptions/${randomUUID()}/deliveries`).set(scenario.admin.auth),
      404,
      'not_found',
    );
    expectProblem(
      await http()
        .post(`/v1/webhook-subscriptions/${id}/deliveries/${randomUUID()}/redeliver`)
        .set(scenario.admin.auth),
      404,
      'not_found',
    );
    expectProblem(
      await http().get('/v1/webhook-subscriptions/not-a-uuid').set(scenario.admin.auth),
      400,
      'validation_failed',
    );
  });
});
