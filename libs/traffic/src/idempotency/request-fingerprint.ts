import { canonicalJson } from '@flowgate/core';
import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same" for an idempotency key: the path parameters (a key is scoped
 * by route template, so the same key on another resource is another request), the body and the
 * query string, compared by value (key order and white space do not matter). SHA-256 of their
 * canonical JSON.
 */
export function requestFingerprint(params: unknown, body: unknown, query: unknown): string {
  // Fastify's router hands params and query out as objects of its own prototype; copies are plain.
  const canonical = canonicalJson({ params: { ...(params ?? {}) }, body: body ?? null, query: { ...(query ?? {}) } });
  return createHash('sha256').update(canonical).digest('hex');
}
