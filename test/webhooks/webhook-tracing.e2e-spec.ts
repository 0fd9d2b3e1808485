import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Webhook } from 'standardwebhooks';
import { callerTraceContext, eventually, type InMemoryTracing, startInMemoryTracing } from '@flowgate/testing';
import { webhookSuite } from './webhook-suite';

/**
 * Traces across the outbox (docs/webhooks.md "Tracing"): the outbox row keeps the trace context of
 * the transition that wrote it, the relay's batch and every delivery attempt are traces of their
 * own linked to it, and the receiver gets the attempt's `traceparent`. The transition is sent with
 * a caller's `traceparent` (trusted: the default outside production) and runs in the API's server
 * span, in that trace; spans land in the in-memory exporter, the worker's jobs run in this process.
 */

/** Retry settings of this file's workers; `webhookSuite` adds targets, secrets key and database. */
const WORKER_ENV = {
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_PAUSE_AFTER_FAILURES: '1000',
  WEBHOOK_IDLE_INTERVAL_MS: '20',
};
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('Webhook tracing', () => {
  const suite = webhookSuite(WORKER_ENV);
  const { deliverUntil } = suite;

  const subscribe = () => suite.subscribe(undefined, { eventTypes: ['workflow.transitioned'] });

  /** `submit` on a new instance, sent with a fresh caller's `traceparent`. */
  async function submitted() {
    const workflowId = await suite.scenario.start();
    const caller = callerTraceContext();
    const res = await suite.scenario.http
      .post(`/v1/workflows/${workflowId}/transitions`)
      .set(suite.scenario.requester.auth)
      .set('Idempotency-Key', randomUUID())
      .set('traceparent', caller.traceparent)
      .send({ name: 'submit' });
    expect(res.status).toBe(200);
    return { workflowId, caller, traceresponse: res.headers.traceresponse as string | undefined };
  }

  /** The submit's outbox row and its deliveries, as stored. */
  async function storedContexts(workflowId: string) {
    const [event] = await suite.db.query<{ id: string; traceparent: string | null; tracestate: string | null }[]>(
      `SELECT id, traceparent, tracestate FROM outbox_events
       WHERE aggregate_id = $1 AND topic = 'workflow.transitioned'`,
      [workflowId],
    );
    const deliveries = await suite.db.query<{ traceparent: string | null; tracestate: string | null }[]>(
      `SELECT traceparent, tracestate FROM webhook_deliveries WHERE outbox_event_id = $1`,
      [event.id],
    );
    return { event, deliveries };
  }

  it('with tracing off, stores no trace context and sends no traceparent', async () => {
    const { secret } = await subscribe();
    const { workflowId, traceresponse } = await submitted();
    expect(traceresponse).toBeUndefined(); // no server span: the caller's traceparent is not continued
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));

    const [hook] = suite.receiver.accepted;
    expect(hook.headers).not.toHaveProperty('traceparent');
    expect(hook.headers).not.toHaveProperty('tracestate');
    expect(new Webhook(secret).verify(hook.body, hook.headers)).toEqual(hook.json);
    const { event, deliveries } = await storedContexts(workflowId);
    expect(event).toMatchObject({ traceparent: null, tracestate: null });
    expect(deliveries).toEqual([{ traceparent: null, tracestate: null }]);
    const [{ untraced }] = await suite.db.query<{ untraced: number }[]>(
      `SELECT count(*)::int AS untraced FROM outbox_events WHERE aggregate_id = $1 AND traceparent IS NULL`,
      [workflowId],
    );
    expect(untraced).toBe(2); // started and transitioned
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;

    beforeAll(() => {
      tracing = startInMemoryTracing();
    });

    afterAll(() => tracing.stop());

    beforeEach(() => tracing.exporter.reset());

    const named = (name: string) => tracing.spans().filter((span) => span.name === name);
    /** The trace of the submit's server span (ended just after the response): the caller's, trusted. */
    const transitionTraceOf = async (workflowId: string, caller: { traceId: string }) => {
      await eventually(async () => {
        const spans = tracing.serverSpans(`/v1/workflows/${workflowId}/transitions`);
        expect(spans.map((span) => span.spanContext().traceId)).toEqual([caller.traceId]);
      });
      return caller.traceId;
    };
    const linkedTo = (traceId: string) => (span: ReadableSpan) =>
      span.links.some((link) => link.context.traceId === traceId);

    it('links the relay and the delivery attempt to the transition, and sends the attempt’s traceparent', async () => {
      const { id: subscriptionId, secret } = await subscribe();
      const { workflowId, caller } = await submitted();
      const transitionTrace = await transitionTraceOf(workflowId, caller);

      await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));

      const { event, deliveries } = await storedContexts(workflowId);
      expect(event.traceparent).toMatch(TRACEPARENT);
      expect(TRACEPARENT.exec(event.traceparent!)?.[1]).toBe(transitionTrace);
      // The delivery carries the event's context along (the outbox row may be purged before a retry).
      expect(deliveries).toEqual([{ traceparent: event.traceparent, tracestate: event.tracestate }]);

      const relay = named('webhooks.outbox-relay').find(linkedTo(transitionTrace));
      expect(relay).toBeDefined();
      expect(relay!.parentSpanContext).toBeUndefined();
      expect(relay!.spanContext().traceId).not.toBe(transitionTrace);
      expect(relay!.links.find((link) => link.context.traceId === transitionTrace)?.attributes).toEqual({
        'flowgate.outbox.event_id': event.id,
      });
      // Specs running beside this one share the database: the batch may carry their events too.
      expect(relay!.attributes['flowgate.outbox.events']).toBeGreaterThanOrEqual(1);
      expect(relay!.attributes['flowgate.webhook.deliveries']).toBeGreaterThanOrEqual(1);

      const attempts = named('webhooks.delivery-attempt').filter(linkedTo(transitionTrace));
      expect(attempts).toHaveLength(1);
      const [attempt] = attempts;
      expect(attempt.kind).toBe(SpanKind.CLIENT);
      expect(attempt.parentSpanContext).toBeUndefined();
      expect(attempt.spanContext().traceId).not.toBe(transitionTrace);
      expect(attempt.links[0].context.spanId).toBe(TRACEPARENT.exec(event.traceparent!)?.[2]);
      expect(attempt.status.code).toBe(0);
      expect(attempt.attributes).toMatchObject({
        'flowgate.webhook.subscription_id': subscriptionId,
        'flowgate.webhook.event_type': 'workflow.transitioned',
        'flowgate.webhook.attempt': 1,
        'http.request.method': 'POST',
        'http.response.status_code': 204,
        'server.address': '127.0.0.1',
        'server.port': suite.receiver.port,
      });

      const [hook] = suite.receiver.accepted;
      expect(hook.headers.traceparent).toBe(`00-${attempt.spanContext().traceId}-${attempt.spanContext().spanId}-01`);
      // The signature covers id, timestamp and body: the extra header leaves it valid.
      expect(new Webhook(secret).verify(hook.body, hook.headers)).toEqual(hook.json);
    });

    it('makes every attempt a trace of its own, linked to the same transition, and marks failures as errors', async () => {
      suite.receiver.answer(() => 503);
      const { id: subscriptionId } = await subscribe();
      const { workflowId, caller } = await submitted();
      const transitionTrace = await transitionTraceOf(workflowId, caller);

      await deliverUntil(async () =>
        expect((await suite.scenario.deliveries(subscriptionId))[0]).toMatchObject({ status: 'dead' }),
      );

      const attempts = named('webhooks.delivery-attempt')
        .filter(linkedTo(transitionTrace))
        .sort(
          (a, b) => Number(a.attributes['flowgate.webhook.attempt']) - Number(b.attributes['flowgate.webhook.attempt']),
        );
      expect(attempts.map((span) => span.attributes['flowgate.webhook.attempt'])).toEqual([1, 2, 3]);
      for (const span of attempts) {
        expect(span.status).toEqual({ code: 2, message: 'HTTP 503' });
        expect(span.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
      }
      const traces = attempts.map((span) => span.spanContext().traceId);
      expect(new Set(traces).size).toBe(3);
      expect(suite.receiver.received.map((hook) => TRACEPARENT.exec(hook.headers.traceparent)?.[1])).toEqual(traces);
    });
  });
});
