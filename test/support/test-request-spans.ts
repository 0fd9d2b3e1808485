import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { tracingActive } from '@flowgate/core';

/** A request sent with this header runs inside a root span named by its value. */
export const TEST_SPAN_HEADER = 'x-test-span';

/**
 * A test's stand-in for the API's own server span: while tracing is on, a request that carries
 * `x-test-span` runs (guards, handler, unit of work) inside a root span of that name, ended with the
 * response, so a test can tell which trace a transition's outbox row and timers belong to. Added as
 * an `onRequest` hook continuing in the span's context, as the request context is (http-hooks.ts).
 */
export function traceTestRequests(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const spans = new WeakMap<object, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const name = request.headers[TEST_SPAN_HEADER];
    if (!tracingActive() || typeof name !== 'string') return done();
    const span = trace.getTracer('flowgate-tests').startSpan(name, { root: true, kind: SpanKind.SERVER });
    spans.set(request, span);
    context.with(trace.setSpan(context.active(), span), () => done());
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    spans.get(request)?.end();
    done();
  });
}
