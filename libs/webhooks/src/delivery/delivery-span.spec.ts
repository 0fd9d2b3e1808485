import type { Span } from '@opentelemetry/api';
import { recordAttemptOutcome } from './delivery-span';

/** A span that remembers what it was told. */
function recordingSpan() {
  const attributes: Record<string, unknown> = {};
  const statuses: unknown[] = [];
  const span = {
    setAttribute: (key: string, value: unknown) => {
      attributes[key] = value;
      return span;
    },
    setStatus: (status: unknown) => {
      statuses.push(status);
      return span;
    },
  } as unknown as Span;
  return { span, attributes, statuses };
}

describe('recordAttemptOutcome', () => {
  it('records a delivered attempt’s status and no error', () => {
    const { span, attributes, statuses } = recordingSpan();
    recordAttemptOutcome(span, { accepted: true, attempt: { statusCode: 204, latencyMs: 3, error: null } });
    expect(attributes).toEqual({ 'http.response.status_code': 204 });
    expect(statuses).toEqual([]);
  });

  it.each([
    [503, 'HTTP 503', { 'http.response.status_code': 503, 'error.type': '503' }],
    [null, 'refused: The URL must use https.', { 'error.type': 'receiver_refused' }],
    [null, 'not sent: the secret does not open', { 'error.type': 'not_sent' }],
    [null, 'no answer within 2000 ms', { 'error.type': 'timeout' }],
    [null, 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9', { 'error.type': 'ECONNREFUSED' }],
    [null, 'socket hang up', { 'error.type': '_OTHER' }],
  ])('marks a failed attempt (%s, %s) as an error with %j', (statusCode, error, expected) => {
    const { span, attributes, statuses } = recordingSpan();
    recordAttemptOutcome(span, { accepted: false, attempt: { statusCode, latencyMs: null, error } });
    expect(attributes).toEqual(expected);
    expect(statuses).toEqual([{ code: 2, message: error }]);
  });
});
