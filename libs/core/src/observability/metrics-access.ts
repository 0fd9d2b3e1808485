import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error';

/**
 * Whether a scrape may read the metrics: always when no token is configured, else only with
 * `Authorization: Bearer <METRICS_BEARER_TOKEN>`. Returns the 401 to answer otherwise. Shared by
 * the metrics port and the main port's `/metrics`.
 */
export function metricsScrapeRefusal(
  expectedToken: string | undefined,
  authorization: string | undefined,
): AppError | undefined {
  if (expectedToken === undefined) return undefined;
  const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) {
    return new AppError('unauthenticated', 'Send the metrics token: Authorization: Bearer <token>.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  }
  if (!sameSecret(presented, expectedToken)) {
    return new AppError('invalid_token', 'The metrics token is not valid.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics", error="invalid_token"' },
    });
  }
  return undefined;
}

/**
 * Constant time whatever the inputs: both sides are hashed to 32 bytes first, so neither the
 * position of the first difference nor a difference in length shows in the timing.
 */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
