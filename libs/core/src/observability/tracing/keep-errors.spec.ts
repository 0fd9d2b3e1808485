import { context, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { KeepErrorsSpanProcessor } from './keep-errors-span-processor';
import { RecordAllSampler } from './record-all-sampler';

/** The production pairing (tracing-provider.ts) at a given ratio, exporting to memory. */
function pipeline(ratio: number) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new RecordAllSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })),
    spanProcessors: [new KeepErrorsSpanProcessor(new SimpleSpanProcessor(exporter))],
  });
  return { exporter, tracer: provider.getTracer('spec') };
}

/** A request-shaped tree: a server span with a child; the child fails when `fail` says so. */
function request(tracer: ReturnType<typeof pipeline>['tracer'], fail: boolean): { traceId: string } {
  const server = tracer.startSpan('POST /v1/workflows/:id/transitions');
  const child = tracer.startSpan('unit of work', {}, trace.setSpan(context.active(), server));
  if (fail) {
    child.recordException(new Error('deadlock detected'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
    server.setStatus({ code: SpanStatusCode.ERROR });
  }
  child.end();
  server.end();
  return { traceId: server.spanContext().traceId };
}

describe('errors kept whatever the sampling ratio', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => context.disable());

  it('at ratio 0 exports nothing of a request that succeeded', () => {
    const { exporter, tracer } = pipeline(0);
    request(tracer, false);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('at ratio 0 records every span, with flags (and so a propagated traceparent) that still say "not sampled"', () => {
    const { tracer } = pipeline(0);
    const span = tracer.startSpan('POST /v1/workflows');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
  });

  it('at ratio 0 exports the failed spans of a request, with their exceptions', () => {
    const { exporter, tracer } = pipeline(0);
    const { traceId } = request(tracer, true);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['unit of work', 'POST /v1/workflows/:id/transitions']);
    expect(spans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
    expect(spans[0].events.map((event) => event.name)).toEqual(['exception']);
    expect(spans[0].parentSpanContext?.spanId).toBe(spans[1].spanContext().spanId);
  });

  it('at ratio 0 exports only the failed span of a tree whose other spans succeeded', () => {
    const { exporter, tracer } = pipeline(0);
    const server = tracer.startSpan('GET /v1/workflows/:id');
    const failed = tracer.startSpan('guard rate limit', {}, trace.setSpan(context.active(), server));
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    server.end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['guard rate limit']);
  });

  it('at ratio 1 exports every span, failed or not', () => {
    const { exporter, tracer } = pipeline(1);
    request(tracer, false);
    request(tracer, true);
    expect(exporter.getFinishedSpans()).toHaveLength(4);
  });
});
