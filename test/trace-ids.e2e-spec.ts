import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { type InMemoryTracing, startInMemoryTracing, type TestApp, traceEveryRequest } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * One id from a user's error report to the log, the trace and the audit trail: the `traceId` of a
 * problem is the one on the request's log lines and on the audit events it recorded. Each request
 * runs in a span opened by a test hook (`traceEveryRequest`), so this holds whatever makes the
 * server span; the ids are compared with each other, not with a `traceparent` the app may or may
 * not trust.
 */
describe('Trace ids in problems, logs and audit events', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  let untrace: () => void;
  const suffix = randomUUID().slice(0, 8);
  const TRACE_ID = /^[0-9a-f]{32}$/;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true });
    untrace = traceEveryRequest(testApp.app.getHttpServer());
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(async () => {
    untrace?.();
    await testApp?.close();
  });

  const bearer = async (user: string, roles: string[], stepUp = true) =>
    `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles, stepUp })}`;
  const linesOf = (requestId: string) => testApp.logs.lines.filter((line) => line.requestId === requestId);

  it('has no traceId in problems or log lines while tracing is off', async () => {
    const res = await http.get('/v1/no-such-thing').set('X-Request-Id', `off-${suffix}`);
    expect(res.status).toBe(404);
    expect(res.body.requestId).toBe(`off-${suffix}`);
    expect(res.body).not.toHaveProperty('traceId');
    expect(linesOf(`off-${suffix}`).length).toBeGreaterThan(0);
    expect(linesOf(`off-${suffix}`).filter((line) => 'traceId' in line)).toEqual([]);
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;
    beforeAll(() => (tracing = startInMemoryTracing()));
    afterAll(() => tracing.stop());

    it('puts the same trace id in the problem and on every log line of the request', async () => {
      const res = await http.get('/v1/no-such-thing').set('X-Request-Id', `on-${suffix}`);
      expect(res.status).toBe(404);
      expect(res.body.traceId).toMatch(TRACE_ID);
      const lines = linesOf(`on-${suffix}`);
      expect(lines.map((line) => line.msg)).toContain('request completed');
      const traceId = res.body.traceId as string;
      expect(lines.map((line) => line.traceId)).toEqual(lines.map(() => traceId));
      expect(lines.every((line) => /^[0-9a-f]{16}$/.test(String(line.spanId)))).toBe(true);
    });

    it('answers a 500 with nothing but the request id and the trace id, and logs the cause under both', async () => {
      const res = await http.get('/v1/probes/explode');
      expect(res.status).toBe(500);
      expect(Object.keys(res.body).sort()).toEqual(
        ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'traceId', 'type'].sort(),
      );
      const logged = testApp.logs.find(
        (line) => line.msg === 'Unhandled error' && line.requestId === res.body.requestId,
      );
      expect(logged?.traceId).toBe(res.body.traceId);
    });

    it('records the trace id on audit events, and the traceId filter finds exactly them', async () => {
      const target = await bearer('target', []);
      const { body: me } = await http.get('/v1/me').set('Authorization', target);
      const admin = await bearer('admin', ['admin']);
      const current = await http.get(`/v1/users/${me.id}`).set('Authorization', admin);
      const suspended = await http
        .patch(`/v1/users/${me.id}`)
        .set('Authorization', admin)
        .set('If-Match', current.headers.etag)
        .set('X-Request-Id', `audit-${suffix}`)
        .send({ status: 'suspended' });
      expect(suspended.status).toBe(200);
      const traceId = linesOf(`audit-${suffix}`).find((line) => line.msg === 'request completed')?.traceId;
      expect(traceId).toMatch(TRACE_ID);

      const list = await http
        .get('/v1/audit-events')
        .query({ traceId })
        .set('Authorization', await bearer('auditor', ['auditor'], false));
      expect(list.status).toBe(200);
      expect(list.body.value).toEqual([
        expect.objectContaining({
          action: 'user.suspended',
          resource: { type: 'user', id: me.id },
          requestId: `audit-${suffix}`,
          traceId,
        }),
      ]);
    });

    it.each([
      ['upper case', '4BF92F3577B34DA6A3CE929D0E0E4736'],
      ['too short', '4bf92f3577b34da6a3ce929d0e0e473'],
      ['not hex', 'zbf92f3577b34da6a3ce929d0e0e4736'],
      ['padded', ' 4bf92f3577b34da6a3ce929d0e0e4736'],
    ])('refuses a traceId filter that is %s with a 400 problem', async (_what, traceId) => {
      const res = await http
        .get('/v1/audit-events')
        .query({ traceId })
        .set('Authorization', await bearer('auditor', ['auditor'], false));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'validation_failed', traceId: expect.stringMatching(TRACE_ID) });
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/query/traceId' })]);
    });
  });
});
