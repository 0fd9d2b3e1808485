import { randomBytes } from 'node:crypto';

/** A caller's W3C trace context: the `traceparent` to send, and the ids in it. */
export interface CallerTraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
}

/**
 * A fresh caller's trace context, as a client or gateway would send it. The test app trusts
 * callers (`TRACE_CONTEXT_TRUST` is `all` outside production), so a request sent with it runs in
 * a server span of that trace: its problem, log lines, audit events, outbox rows and timers carry
 * `traceId`.
 */
export function callerTraceContext(sampled = true): CallerTraceContext {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}` };
}
