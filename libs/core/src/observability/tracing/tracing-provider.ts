import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../../config/tracing.config';
import { instrumentDrivers } from './driver-instrumentations';
import { KeepErrorsSpanProcessor } from './keep-errors-span-processor';
import { RecordAllSampler } from './record-all-sampler';
import { activateTracing } from './trace-context';
import type { RunningTracing, TracedService } from './tracing-sdk';

/** Not yet in the stable semantic conventions export. */
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/**
 * The tracer provider of `sdk-trace-node` rather than `NodeSDK`: `NodeSDK` reads `OTEL_*`
 * variables itself (exporters, resource detectors, metrics and logs pipelines), and Flowgate's
 * settings are read and validated in one place. Every choice is explicit here:
 * - a parent-based ratio sampler: a request continues its (trusted) caller's decision, a new trace
 *   is sampled with probability `sampleRatio`; every span is recorded all the same, and the failed
 *   spans of unsampled traces are exported too (`RecordAllSampler`, `KeepErrorsSpanProcessor`);
 * - spans leave in batches over OTLP/HTTP (protobuf-free JSON, no gRPC stack), off the request path;
 * - the AsyncLocalStorage context manager and the W3C propagator (`register`'s defaults);
 * - pg and ioredis spans (`instrumentDrivers`); HTTP server spans come from the request hook
 *   (`server-span.ts`), which applies the trust policy to `traceparent`.
 */
export function startTracingProvider(
  config: TracingConfig & { tracesEndpoint: string },
  service: TracedService,
): RunningTracing {
  const exporter = new OTLPTraceExporter({ url: config.tracesEndpoint, headers: { ...config.exporterHeaders } });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: service.name,
      [ATTR_SERVICE_VERSION]: service.version,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: service.environment,
    }),
    sampler: new RecordAllSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) })),
    spanProcessors: [
      new KeepErrorsSpanProcessor(
        // The SDK's defaults, written out so that it reads no OTEL_BSP_* variable behind our back.
        new BatchSpanProcessor(exporter, {
          maxQueueSize: 2048,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 5000,
          exportTimeoutMillis: 30_000,
        }),
      ),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const uninstrument = instrumentDrivers();
  activateTracing(true);
  return {
    async shutdown() {
      activateTracing(false);
      uninstrument();
      await provider.shutdown();
    },
  };
}
