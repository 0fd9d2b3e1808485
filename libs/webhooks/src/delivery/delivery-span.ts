import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { AttemptRecord } from '../deliveries/webhook-deliveries.repository';

/**
 * How an attempt ended, on its span (OpenTelemetry's HTTP client conventions): the receiver's status
 * when it answered; anything but a 2xx is an error, with `error.type` the status or the kind of
 * failure (`receiver_refused` by the SSRF check, `timeout`, a socket error code such as
 * `ECONNREFUSED`, `not_sent` when the message could not be prepared).
 */
export function recordAttemptOutcome(span: Span, outcome: { accepted: boolean; attempt: AttemptRecord }): void {
  const { statusCode, error } = outcome.attempt;
  if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
  if (outcome.accepted) return;
  span.setAttribute('error.type', statusCode !== null ? String(statusCode) : failureType(error ?? ''));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error ?? undefined });
}

function failureType(error: string): string {
  if (error.startsWith('refused: ')) return 'receiver_refused';
  if (error.startsWith('not sent: ')) return 'not_sent';
  if (error.startsWith('no answer within ')) return 'timeout';
  return /^(E[A-Z_]+):/.exec(error)?.[1] ?? '_OTHER';
}
