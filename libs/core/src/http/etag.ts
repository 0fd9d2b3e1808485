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

/** One entity-tag of a list (RFC 9110 §8.8.3): its opaque part keeps the quotes. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** `W/"…"` or `"…"`, where `…` is any of etagc (%x21 / %x23-7E / obs-text): commas included. */
const ENTITY_TAG = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/;

/**
 * Parses an `If-Match` / `If-None-Match` value: `*`, or a list of entity-tags. Undefined when it
 * is neither (a bare `3`, an unterminated quote): such a header matches nothing.
 */
export function parseEntityTags(header: string): '*' | EntityTag[] | undefined {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = header;
  while (rest.trim() !== '') {
    const match = ENTITY_TAG.exec(rest);
    if (!match) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = rest.slice(match[0].length);
    // Empty list elements (`"1",,"2"`) are allowed by the list syntax (RFC 9110 §5.6.1).
    rest = rest.replace(/^[\s,]*/, '');
  }
  return tags;
}

/**
 * `If-None-Match` on a GET or HEAD (RFC 9110 §13.1.2): true when the current representation's
 * ETag is listed, by weak comparison (`W/"3"` matches `"3"`), or the list is `*`. Then the answer
 * is 304 Not Modified.
 */
export function ifNoneMatchMatches(header: string | undefined, currentETag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEntityTags(header);
  if (tags === undefined) return false;
  if (tags === '*') return true;
  const current = parseEntityTags(currentETag);
  if (current === undefined || current === '*' || current.length !== 1) return false;
  return tags.some((tag) => tag.opaque === current[0].opaque);
}

/**
 * Checks an `If-Match` header (RFC 9110 §13.1.1, strong comparison) against the current
 * version: missing → 428, no listed tag matches → 412. `*` matches any existing resource; a weak
 * tag never matches.
 */
export function assertIfMatch(ifMatch: string | undefined, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new AppError('precondition_required', 'Send If-Match with the ETag you last read, to avoid lost updates.');
  }
  const current = `"${currentVersion}"`;
  const tags = parseEntityTags(ifMatch);
  if (tags === '*' || tags?.some((tag) => !tag.weak && tag.opaque === current)) return;
  throw new AppError('precondition_failed', 'The resource changed since you read it; fetch it again and retry.', {
    extensions: { currentETag: current },
  });
}
