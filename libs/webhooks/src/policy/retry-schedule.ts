/** The retry settings of `WebhooksConfig`, as the schedule needs them. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

/**
 * What happens after a failed attempt: the delay before the next one, or the dead letter when the
 * attempts are used up. Exponential (base × 2^(n−1), capped) so a receiver that is down is not
 * hammered, with "equal jitter" (half fixed, half random) so deliveries that failed together —
 * an endpoint's whole backlog — do not all come back at the same instant, yet never sooner than
 * half the nominal delay.
 */
export function nextAttemptDelay(
  attemptsMade: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): { readonly deadLetter: true } | { readonly deadLetter: false; readonly delayMs: number } {
  if (attemptsMade >= policy.maxAttempts) return { deadLetter: true };
  const nominal = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** Math.min(attemptsMade - 1, 40));
  return { deadLetter: false, delayMs: Math.round(nominal / 2 + random() * (nominal / 2)) };
}

/** Whether an HTTP status means the receiver took the event (2xx; a redirect is not followed). */
export function isAccepted(status: number): boolean {
  return status >= 200 && status < 300;
}
