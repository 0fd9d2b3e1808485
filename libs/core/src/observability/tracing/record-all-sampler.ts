import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * Records every span, and samples (exports) as `inner` decides. A trace the ratio leaves out is
 * still recorded, unsampled: its flags and what it propagates say "not sampled", as `inner`
 * decided, but its spans hold their status, so `KeepErrorsSpanProcessor` can export the ones that
 * failed. Without it, a head sampler at 0.1 would lose nine errors in ten before anyone knew they
 * were errors (issue 19: "errors always recorded"). Recording costs what tracing at 1.0 costs on
 * the request path (docs/performance.md, "Tracing"); export stays at the ratio.
 */
export class RecordAllSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return result.decision === SamplingDecision.NOT_RECORD ? { ...result, decision: SamplingDecision.RECORD } : result;
  }

  toString(): string {
    return `RecordAll{${this.inner.toString()}}`;
  }
}
