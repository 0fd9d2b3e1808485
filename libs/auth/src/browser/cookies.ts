import type { IncomingHttpHeaders } from 'node:http';

/**
 * The value of cookie `name`, or undefined when it is absent or sent more than once: a second
 * cookie of the same name can be planted from a sibling subdomain (cookie tossing), and which one
 * a server reads first is not something to rely on.
 */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (typeof header !== 'string') return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found !== undefined && /^[A-Za-z0-9_-]{1,128}$/.test(found) ? found : undefined;
}

export interface CookieOptions {
  readonly secure: boolean;
  /** Seconds; 0 removes the cookie. Omitted: a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/**
 * `Set-Cookie` for one of Flowgate's cookies: HttpOnly (no script reads it), SameSite=Lax (not
 * sent on cross-site subrequests or POSTs, still sent when the identity provider sends the browser
 * back), Path=/ and no Domain, as the `__Host-` prefix requires.
 */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, '', { secure, maxAgeSeconds: 0 });
}
