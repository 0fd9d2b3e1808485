import type { Response } from 'supertest';
import request from 'supertest';

/** The person a browser signs in as at the development identity provider's page. */
export interface BrowserPerson {
  readonly user: string;
  readonly roles?: readonly string[];
  readonly mfa?: boolean;
}

/** Cookies as a browser keeps them between requests (name → value), without attributes. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    const header = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of header ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const removed = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (removed) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A path and query of a URL on the app under test (redirects are absolute). */
export function pathOf(location: string): string {
  const url = new URL(location, 'http://placeholder');
  return `${url.pathname}${url.search}`;
}

/**
 * Walks the browser sign-in as a browser would, over HTTP: `GET /auth/login`, the development
 * identity provider's page and its form, then the callback. Returns the callback's response (a
 * redirect to `returnTo`, with the session cookie in `jar`).
 */
export async function signInAsBrowser(
  server: Parameters<typeof request>[0],
  jar: CookieJar,
  person: BrowserPerson,
  login = '/auth/login',
  host?: string,
): Promise<Response> {
  const http = request(server);
  const withJar = (req: request.Test) => {
    if (host) req.set('Host', host);
    return req.set('Cookie', jar.header());
  };
  const start = await withJar(http.get(login));
  if (start.status !== 302) return start;
  jar.take(start);
  const page = await withJar(http.get(pathOf(start.headers.location)));
  if (page.status !== 200) return page;
  const requestId = /name="request" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const approve = await withJar(
    http.get('/dev-idp/authorize/approve').query({
      request: requestId,
      user: person.user,
      roles: [...(person.roles ?? [])],
      ...(person.mfa ? { mfa: 'on' } : {}),
    }),
  );
  if (approve.status !== 302) return approve;
  const callback = await withJar(http.get(pathOf(approve.headers.location)));
  jar.take(callback);
  return callback;
}
