import { AppError, HttpRequest } from '@flowgate/core';
import { timingSafeEqual } from 'node:crypto';

/** The header a page sends on cookie-authenticated writes, with the token from `GET /auth/session`. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated writes must come from Flowgate's own pages. Three checks, each enough
 * against a plain cross-site form or fetch, so that one browser quirk does not open the door:
 * `Sec-Fetch-Site` (when sent) is `same-origin`; `Origin` (when sent) is Flowgate's; and the
 * session's CSRF token is in `X-CSRF-Token` — a custom header, which no form can send and a
 * cross-origin script can only send after a CORS preflight that Flowgate never grants with
 * credentials.
 */
export function assertSameOriginWrite(req: HttpRequest, ownOrigin: string, sessionToken: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw refused('The request came from another site.');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin) throw refused('The request came from another origin.');
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, sessionToken)) {
    throw refused(`Send the session's CSRF token in ${CSRF_HEADER} (from GET /auth/session).`);
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function refused(detail: string): AppError {
  return new AppError('csrf_rejected', detail);
}
