import { captureTraceContext, type TraceCarrier } from './trace-context';

/**
 * The trace context as the tables that carry it across an asynchronous hop store it: two nullable
 * text columns, `traceparent` and `tracestate` (an outbox event, a timer, a webhook delivery).
 */
export interface StoredTraceContext {
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

/** The current trace context as column values; both null while tracing is off. */
export function traceColumns(carrier: TraceCarrier | null = captureTraceContext()): StoredTraceContext {
  return { traceparent: carrier?.traceparent ?? null, tracestate: carrier?.tracestate ?? null };
}

/** The carrier a row's columns hold, for `linksTo`; null when the row was written untraced. */
export function storedTraceContext(row: Readonly<Record<string, unknown>>): TraceCarrier | null {
  if (typeof row.traceparent !== 'string') return null;
  return typeof row.tracestate === 'string'
    ? { traceparent: row.traceparent, tracestate: row.tracestate }
    : { traceparent: row.traceparent };
}
