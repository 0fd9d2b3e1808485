import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOnSampler, ParentBasedSampler, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { idempotencyKey, unwrap } from '@flowgate/sdk';
import { instrumentDrivers, tracingActive } from '@flowgate/core';
import {
  accountsFor,
  callerTraceContext,
  eventually,
  startInMemoryTracing,
  type InMemoryTracing,
  type TestAccount,
  type TestApp,
} from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * Traces of the real pipeline (ADR 0026): the in-memory exporter behind the production sampler
 * (parent-based; always on for new traces, as ratio 1.0), and the production pg and ioredis
 * instrumentations applied to the modules this test's registry loaded (`instrumentDrivers` does
 * exactly that in `main.ts`), so SQL and Redis spans come from the real drivers.
 *
 * Two apps on the same database: one trusts the `traceparent` of callers on 127.0.0.1 (this
 * test, as a gateway would be), the other trusts only 10.0.0.0/8 (so this test is an outsider).
 */
const LOOP = (key: string) => ({
  key,
  title: 'Traced loop',
  states: [
    { name: 'open', initial: true },
    { name: 'closed', terminal: true },
  ],
  transitions: [
    { name: 'touch', from: 'open', to: 'open', role: 'requester' },
    { name: 'close', from: 'open', to: 'closed', role: 'requester' },
  ],
});

const TRANSITION_SPAN = 'POST /v1/workflows/:id/transitions';
const GUARD_SPANS = ['guard authentication', 'guard authorization', 'guard rate limit', 'guard request shape'];

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('Tracing', () => {
  let tracing: InMemoryTracing;
  let uninstrument: () => void;
  let trusting: TestApp;
  let distrusting: TestApp;
  let requester: TestAccount;
  let outsider: TestAccount;
  const key = `wf-trace-${Date.now().toString(36)}`;

  beforeAll(async () => {
    tracing = startInMemoryTracing(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    uninstrument = instrumentDrivers();
    trusting = await createTestApp({ env: { TRACE_CONTEXT_TRUST: '127.0.0.1/32,::1' }, probes: true });
    distrusting = await createTestApp({ env: { TRACE_CONTEXT_TRUST: '10.0.0.0/8' } });
    const admin = await accountsFor(trusting, 'trace')('admin', ['admin']);
    requester = await accountsFor(trusting, 'trace')('requester', ['requester']);
    outsider = await accountsFor(distrusting, 'trace-out')('requester', ['requester']);
    await unwrap(admin.client.POST('/v1/workflow-definitions', { body: LOOP(key) as never }));
  });

  afterAll(async () => {
    uninstrument?.();
    await tracing?.stop();
    await trusting?.close();
    await distrusting?.close();
  });

  beforeEach(() => tracing.exporter.reset());

  async function startWorkflow(client = requester): Promise<string> {
    const body = { definitionKey: key };
    return (await unwrap(client.client.POST('/v1/workflows', { params: { header: idempotencyKey() }, body }))).id;
  }

  function transition(app: TestApp, account: TestAccount, id: string, name: string, headers: object = {}) {
    return fetch(`${app.url}/v1/workflows/${id}/transitions`, {
      method: 'POST',
      headers: { ...account.auth, 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
      body: JSON.stringify({ name }),
    });
  }

  /** The finished spans of one trace, once its server span has ended (after the response). */
  async function traceOf(traceId: string, serverSpanName: string): Promise<ReadableSpan[]> {
    let spans: ReadableSpan[] = [];
    await eventually(async () => {
      spans = tracing.spans().filter((span) => span.spanContext().traceId === traceId);
      expect(spans.map((span) => span.name)).toContain(serverSpanName);
    });
    return spans;
  }

  const named = (spans: ReadableSpan[], name: string): ReadableSpan => {
    const found = spans.filter((span) => span.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] =>
    spans
      .filter((span) => parentOf(span) === parent.spanContext().spanId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);

  it('traces a transition: server span, guards, idempotency, unit of work, SQL and Redis', async () => {
    const id = await startWorkflow();
    const caller = callerTraceContext();
    const answer = await transition(trusting, requester, id, 'touch', { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);

    const spans = await traceOf(caller.traceId, TRANSITION_SPAN);
    const server = named(spans, TRANSITION_SPAN);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(parentOf(server)).toBe(caller.spanId); // the trusted caller's trace, continued
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/workflows/:id/transitions',
      'http.response.status_code': 200,
    });
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(answer.headers.get('traceresponse')).toBe(`00-${caller.traceId}-${server.spanContext().spanId}-01`);

    const underServer = childrenOf(spans, server).map((span) => span.name);
    expect(underServer).toEqual([...GUARD_SPANS, 'idempotency']);
    const unitOfWork = childrenOf(spans, named(spans, 'idempotency')).find((span) => span.name === 'unit of work');
    expect(unitOfWork).toBeDefined();
    const statements = childrenOf(spans, unitOfWork!);
    expect(statements.map((span) => span.attributes['db.system.name'])).toEqual(statements.map(() => 'postgresql'));
    // One span per round trip, its text every statement it carried (`;`-separated): the opening
    // with the lock and the stored answer's lookup; the held writes (the step, the audit event, the
    // idempotency record) with the commit (test/workflows/transition-round-trips.e2e-spec.ts pins them).
    const sql = statements.map((span) =>
      String(span.attributes['db.query.text'])
        .split(';\n')
        .map((statement) => statement.trim().split(/\s+/)[0]),
    );
    expect(sql).toEqual([
      ['START', 'SELECT', 'SELECT'],
      ['WITH', 'INSERT', 'DELETE', 'INSERT', 'COMMIT'],
    ]);

    const redis = spans.filter((span) => span.attributes['db.system.name'] === 'redis');
    expect(redis.length).toBeGreaterThan(0);
    // The caller's one round trip (principal, counters, marker: ADR 28) is sent by authentication;
    // the command name is all a span says.
    const authentication = named(spans, 'guard authentication');
    const sentByAuthentication = redis.filter((span) => parentOf(span) === authentication.spanContext().spanId);
    // `eval` follows `evalsha` only where the server did not have the script yet.
    expect(sentByAuthentication.map((span) => span.name)[0]).toBe('evalsha');
    expect(sentByAuthentication.every((span) => ['evalsha', 'eval'].includes(span.name))).toBe(true);
    for (const span of redis) expect(span.attributes['db.query.text']).toBe(span.name);
  });

  it('records no value: no bound parameter, no Redis argument, no idempotency key', async () => {
    const id = await startWorkflow();
    const caller = callerTraceContext();
    const secretKey = `trace-secret-${randomUUID()}`;
    const answer = await transition(trusting, requester, id, 'touch', {
      traceparent: caller.traceparent,
      'idempotency-key': secretKey,
    });
    expect(answer.status).toBe(200);

    const spans = await traceOf(caller.traceId, TRANSITION_SPAN);
    const recorded = JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events]));
    expect(recorded).toContain('db.query.text'); // statements were recorded…
    expect(recorded).not.toContain(secretKey); // …but not what was bound to them
    expect(recorded).not.toContain(requester.id);
    expect(spans.some((span) => 'db.postgresql.values' in span.attributes)).toBe(false);
  });

  it('answers a refused transition (409) without an error status on the server span, but with the problem code', async () => {
    const id = await startWorkflow();
    expect((await transition(trusting, requester, id, 'close')).status).toBe(200);
    const caller = callerTraceContext();
    const answer = await transition(trusting, requester, id, 'touch', { traceparent: caller.traceparent });
    expect(answer.status).toBe(409);
    const problem = (await answer.json()) as { code: string; traceId?: string };
    // One id from the user's error report to the trace: the problem names the request's trace.
    expect(problem.traceId).toBe(caller.traceId);

    const spans = await traceOf(caller.traceId, TRANSITION_SPAN);
    const server = named(spans, TRANSITION_SPAN);
    // OpenTelemetry's HTTP conventions: a 4xx is the client's, not a server failure.
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 409,
      'flowgate.problem.code': problem.code,
    });
    expect(problem.code).toBe('transition_not_allowed');
    for (const name of GUARD_SPANS) expect(named(spans, name).status.code).toBe(SpanStatusCode.UNSET);
    // The transition's unit of work rolled back; the denial is audited in one of its own, after it.
    const idempotency = named(spans, 'idempotency');
    const [refused, denialAudit] = childrenOf(spans, idempotency).filter((span) => span.name === 'unit of work');
    const verbs = (unit: ReadableSpan) =>
      childrenOf(spans, unit).map((span) =>
        String(span.attributes['db.query.text'])
          .split(';\n')
          .map((statement) => statement.trim().split(/\s+/)[0]),
      );
    expect(verbs(refused).at(-1)).toEqual(['ROLLBACK']);
    // The audit event is held for the commit: the opening, the event and the commit in one round trip.
    expect(verbs(denialAudit)).toEqual([['START', 'INSERT', 'COMMIT']]);
    expect(denialAudit.status.code).toBe(SpanStatusCode.UNSET);
    // The spans that failed say so, with the exception that failed them.
    for (const failed of [idempotency, refused]) {
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.events.map((event) => event.name)).toContain('exception');
      expect(failed.events[0].attributes?.['exception.type']).toBe('transition_not_allowed');
    }
  });

  it('marks a refused guard as failed, and no guard after it runs', async () => {
    const caller = callerTraceContext();
    const answer = await fetch(`${trusting.url}/v1/workflows/${randomUUID()}`, {
      headers: { traceparent: caller.traceparent, authorization: 'Bearer not-a-token' },
    });
    expect(answer.status).toBe(401);
    // Refused before any handler ran, the problem still names the request's trace.
    expect(((await answer.json()) as { traceId?: string }).traceId).toBe(caller.traceId);

    const spans = await traceOf(caller.traceId, 'GET /v1/workflows/:id');
    const guard = named(spans, 'guard authentication');
    expect(guard.status.code).toBe(SpanStatusCode.ERROR);
    expect(guard.events.map((event) => event.name)).toContain('exception');
    expect(spans.map((span) => span.name)).not.toContain('guard authorization');
    expect(named(spans, 'GET /v1/workflows/:id').attributes['flowgate.problem.code']).toBeDefined();
  });

  it('marks the server span of a 500 as an error, with the exception the client never sees', async () => {
    const caller = callerTraceContext();
    const answer = await fetch(`${trusting.url}/v1/probes/explode`, {
      headers: { ...requester.auth, traceparent: caller.traceparent },
    });
    expect(answer.status).toBe(500);

    const server = named(await traceOf(caller.traceId, 'GET /v1/probes/explode'), 'GET /v1/probes/explode');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 500,
      'error.type': '500',
      'flowgate.problem.code': 'internal_error',
    });
    expect(server.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('follows a trusted caller that asked not to record: no spans at all', async () => {
    const id = await startWorkflow();
    const caller = callerTraceContext(false);
    const answer = await transition(trusting, requester, id, 'touch', { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('traceresponse')).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-00$`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tracing.spans().filter((span) => span.spanContext().traceId === caller.traceId)).toEqual([]);
  });

  it('starts a new trace for an untrusted caller, linked to the one it sent', async () => {
    const id = await startWorkflow(outsider);
    const caller = callerTraceContext(false); // asks not to be recorded: not the outsider's call
    const answer = await transition(distrusting, outsider, id, 'touch', { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);

    const [, traceId, spanId, flags] = (answer.headers.get('traceresponse') ?? '').split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(caller.traceId);
    expect(flags).toBe('01'); // recorded by our own sampler's decision
    const spans = await traceOf(traceId, TRANSITION_SPAN);
    const server = named(spans, TRANSITION_SPAN);
    expect(server.spanContext().spanId).toBe(spanId);
    expect(parentOf(server)).toBeUndefined();
    expect(server.links.map((link) => link.context)).toEqual([
      expect.objectContaining({ traceId: caller.traceId, spanId: caller.spanId }),
    ]);
    expect(tracing.spans().filter((span) => span.spanContext().traceId === caller.traceId)).toEqual([]);
  });

  it('traces no probe or scrape', async () => {
    expect((await fetch(`${trusting.url}/health/live`)).headers.get('traceresponse')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tracing.spans().filter((span) => span.kind === SpanKind.SERVER)).toEqual([]);
  });

  describe('off', () => {
    beforeAll(async () => {
      uninstrument();
      await tracing.stop();
    });

    it('makes no span and sends no trace header', async () => {
      expect(tracingActive()).toBe(false);
      const id = await startWorkflow();
      const caller = callerTraceContext();
      const answer = await transition(trusting, requester, id, 'touch', { traceparent: caller.traceparent });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('traceresponse')).toBeNull();
    });
  });
});
