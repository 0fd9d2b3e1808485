import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { activateTracing } from '@flowgate/core';

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** The finished server spans of requests to `path` (`url.path`, without the query). */
  serverSpans(path: string): ReadableSpan[];
  /** Unregisters the provider, so the next test (or none) can trace. */
  stop(): Promise<void>;
}

/**
 * Registers a tracer provider that keeps finished spans in memory, the context manager and the
 * W3C propagator, exactly the globals the production bootstrap registers, so code under test
 * traces as it would in production. One at a time per Jest worker: `stop()` in `afterAll`.
 */
export function startInMemoryTracing(sampler: Sampler = new AlwaysOnSampler()): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  activateTracing(true);
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    serverSpans: (path) =>
      exporter
        .getFinishedSpans()
        .filter((span) => span.kind === SpanKind.SERVER && span.attributes['url.path'] === path),
    async stop() {
      activateTracing(false);
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
