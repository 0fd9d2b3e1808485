import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { DevIdentityProvider } from '@flowgate/auth';
import {
  callerTraceContext,
  eventually,
  type InMemoryTracing,
  startInMemoryTracing,
  type TestApp,
} from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * One id from a user's error report to the log, the trace and the audit trail: the `traceId` of a
 * problem is the one on the request's log lines (the access log, written when the response has
 * finished, included) and on the audit events it recorded. Requests run in the API's own server
 * span (server-span.ts); the test app trusts callers (`TRACE_CONTEXT_TRUST: 'all'`, the default
 * outside production), so a request sent with a `traceparent` of the test's making is in that
 * trace, and one sent without learns its trace from the `traceresponse` header.
 */
describe('Trace ids in problems, logs and audit events', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);
  const TRACE_ID = /^[0-9a-f]{32}$/;
  const TRACE_RESPONSE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true, env: { TRACE_CONTEXT_TRUST: 'all' } });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(async () => {
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
    expect(res.headers).not.toHaveProperty('traceresponse');
    expect(linesOf(`off-${suffix}`).length).toBeGreaterThan(0);
    expect(linesOf(`off-${suffix}`).filter((line) => 'traceId' in line)).toEqual([]);
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;
    beforeAll(() => (tracing = startInMemoryTracing()));
    afterAll(() => tracing.stop());

    beforeEach(() => tracing.exporter.reset());

    /** The server span the API ended for the request `requestId`. */
    const serverSpanOf = (requestId: string) =>
      tracing
        .spans()
        .filter((span) => span.kind === SpanKind.SERVER && span.attributes['flowgate.request.id'] === requestId);

    it('puts the caller’s trace id in the problem, the traceresponse and on every log line of the request', async () => {
      const { traceId, traceparent } = callerTraceContext();
      const res = await http
        .get('/v1/no-such-thing')
        .set('X-Request-Id', `on-${suffix}`)
        .set('traceparent', traceparent);
      expect(res.status).toBe(404);
      expect(res.body.traceId).toBe(traceId);
      const [, answeredTrace, serverSpanId] = TRACE_RESPONSE.exec(String(res.headers.traceresponse)) ?? [];
      expect(answeredTrace).toBe(traceId);
      await eventually(async () =>
        expect(serverSpanOf(`on-${suffix}`).map((span) => span.spanContext())).toEqual([
          expect.objectContaining({ traceId, spanId: serverSpanId }),
        ]),
      );
      const lines = linesOf(`on-${suffix}`);
      expect(lines.map((line) => line.msg)).toContain('request completed');
      expect(lines.map((line) => line.traceId)).toEqual(lines.map(() => traceId));
      expect(lines.every((line) => /^[0-9a-f]{16}$/.test(String(line.spanId)))).toBe(true);
    });

    it('writes the access log of a traced request under its server span, sent traceparent or not', async () => {
      const traced = callerTraceContext();
      const sent = await http
        .get('/v1/no-such-thing')
        .set('X-Request-Id', `access-sent-${suffix}`)
        .set('traceparent', traced.traceparent);
      const unsent = await http.get('/v1/no-such-thing').set('X-Request-Id', `access-unsent-${suffix}`);
      const [, newTrace, newSpan] = TRACE_RESPONSE.exec(String(unsent.headers.traceresponse)) ?? [];
      expect(newTrace).toMatch(TRACE_ID);
      expect(newTrace).not.toBe(traced.traceId);
      expect(unsent.body.traceId).toBe(newTrace);

      const accessLine = (requestId: string) =>
        linesOf(requestId).find((line) => line.msg === 'request completed' && line.status === 404);
      const [, , sentSpan] = TRACE_RESPONSE.exec(String(sent.headers.traceresponse)) ?? [];
      expect(accessLine(`access-sent-${suffix}`)).toMatchObject({ traceId: traced.traceId, spanId: sentSpan });
      expect(accessLine(`access-unsent-${suffix}`)).toMatchObject({ traceId: newTrace, spanId: newSpan });
    });

    it('writes the access log of a request that outlived its budget under its server span', async () => {
      // The timeout's problem is sent from a timer armed before the server span began: the access
      // log written when it finishes must still name the request's trace, as the problem does.
      // Its logs reach this file's capture (one root logger per process: docs/testing.md).
      const hurried = await createTestApp({ probes: true, env: { HTTP_REQUEST_TIMEOUT_MS: '300' } });
      try {
        const { traceId, traceparent } = callerTraceContext();
        const res = await request(hurried.app.getHttpServer())
          .get('/v1/probes/slow?ms=1500')
          .set('X-Request-Id', `timeout-${suffix}`)
          .set('traceparent', traceparent);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'request_timeout', traceId });
        const [, , serverSpanId] = TRACE_RESPONSE.exec(String(res.headers.traceresponse)) ?? [];
        const access = linesOf(`timeout-${suffix}`).find((line) => line.msg === 'request completed');
        expect(access).toMatchObject({ status: 503, traceId, spanId: serverSpanId });
      } finally {
        await hurried.close();
      }
    });

    it('answers a 500 with nothing but the request id and the trace id, and logs the cause under both', async () => {
      const { traceId, traceparent } = callerTraceContext();
      const res = await http.get('/v1/probes/explode').set('traceparent', traceparent);
      expect(res.status).toBe(500);
      expect(Object.keys(res.body).sort()).toEqual(
        ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'traceId', 'type'].sort(),
      );
      const logged = testApp.logs.find(
        (line) => line.msg === 'Unhandled error' && line.requestId === res.body.requestId,
      );
      expect(res.body.traceId).toBe(traceId);
      expect(logged?.traceId).toBe(traceId);
      const access = linesOf(res.body.requestId).find((line) => line.msg === 'request completed');
      expect(access).toMatchObject({ status: 500, traceId });
    });

    it('records the trace id on audit events, and the traceId filter finds exactly them', async () => {
      const target = await bearer('target', []);
      const { body: me } = await http.get('/v1/me').set('Authorization', target);
      const admin = await bearer('admin', ['admin']);
      const current = await http.get(`/v1/users/${me.id}`).set('Authorization', admin);
      const { traceId, traceparent } = callerTraceContext();
      const suspended = await http
        .patch(`/v1/users/${me.id}`)
        .set('Authorization', admin)
        .set('If-Match', current.headers.etag)
        .set('X-Request-Id', `audit-${suffix}`)
        .set('traceparent', traceparent)
        .send({ status: 'suspended' });
      expect(suspended.status).toBe(200);
      expect(TRACE_RESPONSE.exec(String(suspended.headers.traceresponse))?.[1]).toBe(traceId);
      expect(linesOf(`audit-${suffix}`).find((line) => line.msg === 'request completed')?.traceId).toBe(traceId);

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
      const answeredTrace = TRACE_RESPONSE.exec(String(res.headers.traceresponse))?.[1];
      expect(answeredTrace).toMatch(TRACE_ID);
      expect(res.body).toMatchObject({ code: 'validation_failed', traceId: answeredTrace });
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/query/traceId' })]);
    });
  });
});
