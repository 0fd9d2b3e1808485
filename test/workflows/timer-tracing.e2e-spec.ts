import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import {
  callerTraceContext,
  eventually,
  type InMemoryTracing,
  startInMemoryTracing,
  type TestApp,
} from '@flowgate/testing';
import { type WorkflowDefinitionDocument, WorkflowTimersJob } from '@flowgate/workflows';
import { createTestApp } from '../support/create-test-app';
import { createTestWorker, type TestWorker } from '../support/create-test-worker';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from '../support/database-of-its-own';

/**
 * Timers and traces (docs/workflows.md "Timers"): a timer keeps the trace context of the transition
 * that armed it; its firing starts a trace of its own, linked to that transition, and the move it
 * makes runs inside it, so the outbox event and the next state's timers carry the firing's trace.
 * The arming transition is sent with a caller's `traceparent` (trusted: the default outside
 * production) and runs in the API's server span, in that trace; the worker runs in this process,
 * its spans in the in-memory exporter.
 */

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** open -submit-> waiting -escalate (timer)-> escalated -expire (timer)-> expired. */
function document(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Timers and traces',
    visibility: 'authenticated',
    states: [
      { name: 'open', initial: true },
      { name: 'waiting' },
      { name: 'escalated' },
      { name: 'expired', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'open', to: 'waiting', role: 'requester' },
      { name: 'escalate', from: 'waiting', to: 'escalated', role: 'admin', timer: 'P1D' },
      { name: 'expire', from: 'escalated', to: 'expired', role: 'admin', timer: 'P2D' },
    ],
  };
}

interface StoredContext {
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

describe('Timer tracing', () => {
  let testApp: TestApp;
  let worker: TestWorker;
  let db: DataSource;
  let database: DatabaseOfItsOwn | undefined;
  let http: ReturnType<typeof request>;
  const auth: Record<string, Record<string, string>> = {};
  const key = `timer-traces-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    database = await databaseOfItsOwn('timer_tracing');
    testApp = await createTestApp({ env: database.env });
    worker = await createTestWorker(database.env);
    db = testApp.app.get(DataSource);
    http = request(testApp.app.getHttpServer());
    for (const role of ['admin', 'requester'] as const) {
      const token = await testApp.app
        .get(DevIdentityProvider)
        .mint({ user: `${key}-${role}`, roles: [role], stepUp: true });
      auth[role] = { Authorization: `Bearer ${token}` };
    }
    await http.post('/v1/workflow-definitions').set(auth.admin).send(document(key)).expect(201);
  });

  afterAll(async () => {
    await worker?.close();
    await testApp?.close();
    await database?.drop();
  });

  /** A new instance moved to `waiting` (arming `escalate`), sent with a fresh caller's `traceparent`. */
  async function submitted() {
    const started = await http
      .post('/v1/workflows')
      .set(auth.requester)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: key })
      .expect(201);
    const id = started.body.id as string;
    const caller = callerTraceContext();
    const submit = await http
      .post(`/v1/workflows/${id}/transitions`)
      .set(auth.requester)
      .set('Idempotency-Key', randomUUID())
      .set('traceparent', caller.traceparent)
      .send({ name: 'submit' })
      .expect(200);
    return { id, caller, traceresponse: submit.headers.traceresponse as string | undefined };
  }

  const timer = async (id: string, transition: string) => {
    const [row] = await db.query<(StoredContext & { id: string })[]>(
      `SELECT id, traceparent, tracestate FROM workflow_timers WHERE instance_id = $1 AND transition = $2`,
      [id, transition],
    );
    return row;
  };
  const outboxEvent = async (id: string, transition: string) => {
    const [row] = await db.query<StoredContext[]>(
      `SELECT traceparent, tracestate FROM outbox_events
       WHERE aggregate_id = $1 AND topic = 'workflow.transitioned' AND payload->>'transition' = $2`,
      [id, transition],
    );
    return row;
  };
  const fireEscalate = async (id: string) => {
    await db.query(
      `UPDATE workflow_timers SET due_at = now() - interval '1 second'
       WHERE instance_id = $1 AND transition = 'escalate' AND status = 'pending'`,
      [id],
    );
    expect(await worker.app.get(WorkflowTimersJob).runOnce(new AbortController().signal)).toBe(1);
  };

  it('with tracing off, stores no trace context on the timer or on what its firing writes', async () => {
    const { id, traceresponse } = await submitted();
    expect(traceresponse).toBeUndefined(); // no server span: the caller's traceparent is not continued
    expect(await timer(id, 'escalate')).toMatchObject({ traceparent: null, tracestate: null });
    await fireEscalate(id);
    expect(await outboxEvent(id, 'escalate')).toEqual({ traceparent: null, tracestate: null });
    expect(await timer(id, 'expire')).toMatchObject({ traceparent: null, tracestate: null });
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;

    beforeAll(() => {
      tracing = startInMemoryTracing();
    });

    afterAll(() => tracing.stop());

    it('fires in a new trace linked to the arming transition, and what the firing writes carries that trace', async () => {
      const { id, caller } = await submitted();
      // The submit's server span (ended just after the response) continued the caller's trace.
      await eventually(async () => {
        const arming = tracing.serverSpans(`/v1/workflows/${id}/transitions`);
        expect(arming.map((span) => span.spanContext().traceId)).toEqual([caller.traceId]);
      });
      const armed = await timer(id, 'escalate');
      const [, armingTrace, armingSpan] = TRACEPARENT.exec(armed.traceparent ?? '') ?? [];
      expect(armingTrace).toBe(caller.traceId);

      await fireEscalate(id);

      const firings = tracing.spans().filter((span) => span.name === 'workflow-timers.fire');
      expect(firings).toHaveLength(1);
      const [firing] = firings;
      expect(firing.parentSpanContext).toBeUndefined();
      expect(firing.spanContext().traceId).not.toBe(armingTrace);
      expect(firing.links.map((link) => link.context)).toEqual([
        expect.objectContaining({ traceId: armingTrace, spanId: armingSpan }),
      ]);
      expect(firing.attributes).toEqual({
        'flowgate.timer.id': armed.id,
        'flowgate.timer.transition': 'escalate',
        'flowgate.timer.due_at': expect.any(String),
        'flowgate.workflow.id': id,
        'flowgate.timer.outcome': 'fired',
      });
      const firingTrace = firing.spanContext().traceId;
      expect(TRACEPARENT.exec((await outboxEvent(id, 'escalate')).traceparent ?? '')?.[1]).toBe(firingTrace);
      // The next state's timer was armed by the firing: its own firing will link to this trace.
      expect(TRACEPARENT.exec((await timer(id, 'expire')).traceparent ?? '')?.[1]).toBe(firingTrace);
    });
  });
});
