import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { launchChromium, type RealBrowser } from './support/chromium';
import { createTestApp } from './support/create-test-app';

/** A tiny static site: the page a browser client of the API would be served from. */
async function serveSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Flowgate client</title><p>client</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Call {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Response headers the page tries to read (CORS exposes only the listed ones). */
  readonly read?: readonly string[];
}

interface Outcome {
  readonly status?: number;
  readonly headers?: Record<string, string | null>;
  readonly body?: unknown;
  readonly error?: string;
}

/** `fetch` from inside the page, so the browser applies CORS exactly as for a real client. */
function fetchFromPage(page: Page, api: string, call: Call): Promise<Outcome> {
  return page.evaluate(
    async ({ api, call }) => {
      try {
        const response = await fetch(`${api}${call.path}`, {
          method: call.method,
          headers: call.headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
        const headers: Record<string, string | null> = {};
        for (const name of call.read ?? []) headers[name] = response.headers.get(name);
        const text = await response.text();
        return { status: response.status, headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { api, call },
  );
}

/**
 * CORS in a real browser (Chromium, headless): a page on an allowed origin can call every method
 * the API serves with every header it reads, and read the headers it needs; a page on any other
 * origin is refused by the browser. What a unit test of the CORS options cannot show: that the
 * preflight answer is one a browser accepts.
 */
describe('CORS, seen from a browser', () => {
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let testApp: TestApp;
  let context: BrowserContext;
  let browser: RealBrowser;
  let admin: string;
  let targetId: string;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    allowed = await serveSite();
    other = await serveSite();
    testApp = await createTestApp({ env: { CORS_ORIGINS: allowed.origin } });
    const dev = testApp.app.get(DevIdentityProvider);
    admin = await dev.mint({ user: `cors-admin-${suffix}`, roles: ['admin'], stepUp: true });
    const target = await fetch(`${testApp.url}/v1/me`, {
      headers: { Authorization: `Bearer ${await dev.mint({ user: `cors-target-${suffix}` })}` },
    });
    targetId = ((await target.json()) as { id: string }).id;
    browser = await launchChromium();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    for (const site of [allowed, other]) if (site) await new Promise((resolve) => site.server.close(resolve));
  });

  async function pageOn(origin: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    return page;
  }

  it('lets an allowed origin use every method, send the headers the API reads, and read the ones it exposes', async () => {
    const page = await pageOn(allowed.origin);
    const auth = { Authorization: `Bearer ${admin}` };
    const json = { 'Content-Type': 'application/json' };
    const call = (c: Call) => fetchFromPage(page, testApp.url, c);

    const me = await call({
      method: 'GET',
      path: '/v1/me',
      headers: { ...auth, 'X-Request-Id': `cors-${suffix}` },
      read: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
    });
    expect(me).toMatchObject({ status: 200, headers: { 'X-Request-Id': `cors-${suffix}` } });
    expect(me.headers?.RateLimit).toMatch(/^"principal";r=\d+;t=\d+$/);
    expect(me.headers?.['RateLimit-Policy']).toMatch(/^"principal";q=\d+;w=\d+$/);

    const key = randomUUID();
    const definition = {
      key: `cors-${suffix}`,
      title: 'CORS',
      states: [
        { name: 'open', initial: true },
        { name: 'done', terminal: true },
      ],
      transitions: [{ name: 'close', from: 'open', to: 'done' }],
    };
    const publish = () =>
      call({
        method: 'POST',
        path: '/v1/workflow-definitions',
        headers: { ...auth, ...json, 'Idempotency-Key': key },
        body: definition,
        read: ['Location', 'ETag', 'Idempotent-Replayed'],
      });
    const published = await publish();
    expect(published).toMatchObject({
      status: 201,
      headers: { Location: expect.stringMatching(/\/v1\/workflow-definitions\/cors-/), ETag: '"1"' },
    });
    expect((await publish()).headers?.['Idempotent-Replayed']).toBe('true');

    const user = await call({ method: 'GET', path: `/v1/users/${targetId}`, headers: auth, read: ['ETag'] });
    expect(user.status).toBe(200);
    const unchanged = await call({
      method: 'GET',
      path: `/v1/users/${targetId}`,
      headers: { ...auth, 'If-None-Match': user.headers!.ETag! },
      read: ['ETag'],
    });
    // A 304 reaches the page as the cached 200 or as the 304 itself, depending on the cache.
    expect([200, 304]).toContain(unchanged.status);
    expect(unchanged.headers?.ETag).toBe(user.headers?.ETag);

    const grant = await call({ method: 'PUT', path: `/v1/users/${targetId}/role-grants/viewer`, headers: auth });
    expect(grant.status).toBe(200);
    const current = await call({ method: 'GET', path: `/v1/users/${targetId}`, headers: auth, read: ['ETag'] });
    const patched = await call({
      method: 'PATCH',
      path: `/v1/users/${targetId}`,
      headers: { ...auth, ...json, 'If-Match': current.headers!.ETag! },
      body: { status: 'active' },
      read: ['ETag'],
    });
    expect(patched).toMatchObject({ status: 200, headers: { ETag: expect.stringMatching(/^"\d+"$/) } });
    const removed = await call({ method: 'DELETE', path: `/v1/users/${targetId}/role-grants/viewer`, headers: auth });
    expect(removed.status).toBe(204);

    // Problems cross too: the page reads the status and the body.
    const refused = await call({
      method: 'PATCH',
      path: `/v1/users/${targetId}`,
      headers: { ...auth, ...json },
      body: { status: 'active' },
    });
    expect(refused).toMatchObject({ status: 428, body: { code: 'precondition_required' } });
    await page.close();
  });

  it('lets the browser refuse every call from an origin not in CORS_ORIGINS', async () => {
    const page = await pageOn(other.origin);
    for (const c of [
      { method: 'GET', path: '/v1/problem-types' },
      { method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${admin}` } },
      {
        method: 'DELETE',
        path: `/v1/users/${targetId}/role-grants/viewer`,
        headers: { Authorization: `Bearer ${admin}` },
      },
    ]) {
      const outcome = await fetchFromPage(page, testApp.url, c);
      expect({ ...c, outcome }).toEqual({
        ...c,
        outcome: { error: expect.stringMatching(/TypeError: Failed to fetch/) },
      });
    }
    await page.close();
  });

  it('answers a preflight with the methods, headers and max age a browser needs', async () => {
    const res = await fetch(`${testApp.url}/v1/users/${targetId}`, {
      method: 'OPTIONS',
      headers: {
        Origin: allowed.origin,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization,content-type,if-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, traceparent, tracestate',
    );
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });
});
