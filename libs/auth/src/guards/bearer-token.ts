import type { IncomingHttpHeaders } from 'node:http';

/**
 * The bearer token from the Authorization header, the only place a token is accepted (never the
 * query string or body, where it would end up in logs and browser history). Undefined when the
 * header is absent or uses another scheme.
 */
export function bearerTokenFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  return match?.[1];
}
