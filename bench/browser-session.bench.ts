import { DevIdentityProvider } from '@flowgate/auth';
import { CookieJar, signInAsBrowser, TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleave } from './support/measure';

/**
 * What a browser session costs a read against a bearer token (issue 17): the same person, the
 * same route, one app. The cookie's request does more: the session from the shared cache, MSAL's
 * cache partition and its silent token lookup, then the same verification and directory lookup
 * the bearer request does (the verified-token cache serves both).
 */
describe('Browser session vs bearer token', () => {
  const settings = benchSettings();
  let app: TestApp;
  let bearer: Record<string, string>;
  let cookie: Record<string, string>;

  beforeAll(async () => {
    app = await createTestApp();
    const user = 'bench-session-user';
    const token = await app.app.get(DevIdentityProvider).mint({ user, roles: ['viewer'] });
    bearer = { Authorization: `Bearer ${token}` };
    const jar = new CookieJar();
    const host = new URL(app.url).host;
    await signInAsBrowser(app.app.getHttpServer(), jar, { user, roles: ['viewer'] }, '/auth/login', host);
    cookie = { Cookie: jar.header() };
  });

  afterAll(() => app?.close());

  it(
    'GET /v1/me: bearer token (baseline) vs session cookie',
    async () => {
      const results = await interleave(
        [
          { name: 'GET /v1/me, bearer', url: `${app.url}/v1/me`, headers: bearer },
          { name: 'GET /v1/me, session cookie', url: `${app.url}/v1/me`, headers: cookie },
        ],
        settings,
        { afterRun: () => void app.logs.lines.splice(0) },
      );
      compare(results[0], [results[1]], 'Browser session vs bearer token');
      for (const result of results) {
        expect(result.errors).toBe(0);
        expect(Object.keys(result.statusCodes)).toEqual(['200']);
      }
    },
    suiteTimeoutMs(settings, 2),
  );
});
