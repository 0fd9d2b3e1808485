/**
 * Optimistic concurrency: resources carry a strong `ETag`; a write sends it back as `If-Match`,
 * and gets 412 `precondition_failed` (with `currentETag`) when someone changed the resource in
 * between, or 428 `precondition_required` where the operation requires it and it is missing.
 */

/** The `ETag` a response carries (a quoted string such as `"4"`), if any. */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined;
}

/**
 * `If-Match` for a write, from the response that read the resource (or from an ETag kept, such as
 * a 412's `currentETag`): `params: { header: { ...ifMatch(read.response) } }`. Throws when there is
 * no ETag to send: sending none would skip the check the caller meant to make.
 */
export function ifMatch(source: Response | string | undefined): { 'If-Match': string } {
  const etag = typeof source === 'string' ? source : source && etagOf(source);
  if (!etag) throw new TypeError('No ETag to send as If-Match: read the resource first (its response carries one).');
  return { 'If-Match': etag };
}
