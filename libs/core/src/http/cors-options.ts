import type { FastifyCorsOptions } from '@fastify/cors';

/** Every method the API serves (HEAD comes with GET). */
export const CORS_ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Request headers the API reads, beyond the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'X-Request-Id',
  // A browser app's own tracing sends these; whether they continue its trace is the trust policy's call.
  'traceparent',
  'tracestate',
];

/** Response headers a browser client may read from cross-origin responses. */
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Idempotent-Replayed',
  'WWW-Authenticate',
  'traceresponse',
];

/**
 * CORS for the origins in CORS_ORIGINS (none by default: no cross-origin access). Bearer tokens,
 * not cookies, so no credentials mode. A preflight is remembered for 10 minutes: a browser asks
 * once per URL and method rather than before every write, and a change to CORS_ORIGINS reaches
 * open pages within that time (Chromium caps the value at 2 hours anyway).
 */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: [...origins],
    methods: CORS_ALLOWED_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  };
}
