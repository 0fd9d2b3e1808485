import { AppError } from '../errors/app-error';

const ETAG = Symbol('etag');

/** Attaches a resource version to a response body; a Fastify hook (`http-hooks.ts`) sends it as a
 * strong ETag. A symbol, so it never appears in the JSON. */
export function withETag<T extends object>(body: T, version: number): T {
  Object.defineProperty(body, ETAG, { value: `"${version}"`, enumerable: false });
  return body;
}

export function etagOf(body: unknown): string | undefined {
  return body && typeof body === 'object' ? (body as Record<symbol, string | undefined>)[ETAG] : undefined;
}

/**
 * Checks an `If-Match` header (RFC 9110 §13.1.1, strong comparison) against the current
 * version: missing → 428, no listed tag matches → 412. `*` matches any existing resource.
 */
export function assertIfMatch(ifMatch: string | undefined, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new AppError('precondition_required', 'Send If-Match with the ETag you last read, to avoid lost updates.');
  }
  const current = `"${currentVersion}"`;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new AppError('precondition_failed', 'The resource changed since you read it; fetch it again and retry.', {
    extensions: { currentETag: current },
  });
}
