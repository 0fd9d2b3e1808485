import { canonicalJson } from '@flowgate/core';
import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same" for an idempotency key: the body and the query string,
 * compared by value (key order and white space do not matter). SHA-256 of their canonical JSON.
 */
export function requestFingerprint(body: unknown, query: unknown): string {
  const canonical = canonicalJson({ body: body ?? null, query: query ?? {} });
  return createHash('sha256').update(canonical).digest('hex');
}
