import { SpanStatusCode, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Hands `inner` (the batch processor) every sampled span, and of the unsampled ones those that
 * ended in error (`RecordAllSampler` records them): a request the ratio left out still shows up in
 * the tracing back end when it fails, as its failed spans (the 5xx server span, the unit of work
 * or delivery attempt that threw, with their exceptions), linked by trace id to the request's log
 * lines and problem. Their successful siblings are not exported: that is what the ratio saves.
 */
export class KeepErrorsSpanProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) return this.inner.onEnd(span);
    if (span.status.code === SpanStatusCode.ERROR) this.inner.onEnd(exportable(span));
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** The span as the export processors accept it: they pass on only spans flagged as sampled. */
function exportable(span: ReadableSpan): ReadableSpan {
  const spanContext = { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED };
  return Object.create(span, { spanContext: { value: () => spanContext } }) as ReadableSpan;
}
