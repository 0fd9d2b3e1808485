import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Link,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';

/**
 * The few things Flowgate's own code does with traces, on `@opentelemetry/api` alone: start a span
 * around a piece of work, read the current trace id, and carry a trace across an asynchronous hop
 * (an outbox row, a timer) as W3C `traceparent`/`tracestate` text.
 *
 * With tracing off no SDK is registered and `inSpan` calls the work directly: no span objects, no
 * context switch, nothing on the request path (the "zero cost when off" the tracing bootstrap
 * promises). `activateTracing` is called once by whoever registers a tracer provider: the
 * bootstrap in production, `startInMemoryTracing` in tests.
 */
let active = false;

export const FLOWGATE_TRACER = 'flowgate';

export function activateTracing(on: boolean): void {
  active = on;
}

export function tracingActive(): boolean {
  return active;
}

/**
 * Runs `work` in a child span of the current one; an exception marks the span as an error. With
 * no span in progress, `work` runs untraced unless `options.root` asks for a trace of its own: a
 * unit of work a worker job runs every few hundred milliseconds (the audit sealer) is not a trace
 * unless the job makes it one, as the relay, deliveries and timers do.
 */
export function inSpan<T>(name: string, work: (span?: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  if (!active || (!options.root && !trace.getActiveSpan())) return work();
  return trace.getTracer(FLOWGATE_TRACER).startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace id of the span in progress, when tracing is on and one is. */
export function currentTraceId(): string | undefined {
  if (!active) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The trace and span ids of the span in progress, for log lines; undefined while untraced. */
export function currentTraceIds(): { traceId: string; spanId: string } | undefined {
  if (!active) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? { traceId: spanContext.traceId, spanId: spanContext.spanId }
    : undefined;
}

/** W3C trace context as stored beside an outbox row or a timer. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** The current trace context, to be stored with work that continues later; null when untraced. */
export function captureTraceContext(): TraceCarrier | null {
  if (!active) return null;
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? (carrier as TraceCarrier) : null;
}

/** A span link to a stored trace context (a new trace that follows from an earlier one). */
export function linksTo(carrier: TraceCarrier | null | undefined): Link[] {
  if (!active || !carrier?.traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
  return spanContext && isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}
