import { createHash } from 'node:crypto';
import type { HttpRequest } from '@flowgate/core';
import { parseIdempotencyKey } from './idempotency-key';

/**
 * The name of the Redis in-flight marker (a `DistributedLock` lease) of one idempotency scope:
 * the caller's hash tag (`principalTag`, one per user, as the scope's user id is), then a digest
 * of method, route template and key. Tagged by caller, so the marker shares a Redis Cluster slot
 * with the caller's principal entry and rate-limit counters and is taken in their round trip
 * (ADR 28), while different callers' markers spread over the cluster.
 */
export function inFlightMarkerName(callerTag: string, method: string, route: string, key: string): string {
  const scope = createHash('sha256')
    .update(JSON.stringify([method, route, key]))
    .digest('base64url');
  return `idempotency:${callerTag}:${scope}`;
}

/** The request's well-formed `Idempotency-Key`, if any (the interceptor words the refusal of a bad one). */
export function wellFormedIdempotencyKey(req: HttpRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const parsed = parseIdempotencyKey(Array.isArray(header) ? header.join(',') : header);
  return 'key' in parsed ? parsed.key : undefined;
}
