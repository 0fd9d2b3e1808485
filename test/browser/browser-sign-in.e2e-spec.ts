import request from 'supertest';
import { devObjectId } from '@flowgate/auth';
import { CookieJar, expectProblem, signInAsBrowser, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const COOKIE = 'flowgate-session';

describe('Browser sign-in (MSAL, code + PKCE) and cookie sessions', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let origin: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    origin = testApp.url;
  });

  afterAll(() => testApp.close());

  const server = () => testApp.app.getHttpServer();
  const host = () => new URL(origin).host;
  const get = (jar: CookieJar, path: string) => http.get(path).set('Host', host()).set('Cookie', jar.header());

  it('signs a person in through the identity provider and serves the API to the session cookie', async () => {
    const jar = new CookieJar();
    const callback = await signInAsBrowser(
      server(),
      jar,
      { user: 'bea', roles: ['requester'] },
      '/auth/login?returnTo=/app/inbox',
      host(),
    );
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/app/inbox');
    const setCookie = (callback.headers['set-cookie'] as unknown as string[]).find((line) =>
      line.startsWith(`${COOKIE}=`),
    );
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    const session = await get(jar, '/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      roles: ['requester'],
      stepUp: { satisfied: false },
      user: { displayName: 'bea' },
    });
    expect(Date.parse(session.body.session.expiresAt)).toBeGreaterThan(Date.now());

    const me = await get(jar, '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.objectId).toBe(devObjectId('bea'));
  });

  it('signs out: the session ends, the cookie is removed and the end-session address is given', async () => {
    const jar = new CookieJar();
    await signInAsBrowser(server(), jar, { user: 'bea' }, '/auth/login', host());
    const cookie = jar.header();
    const { csrfToken } = (await get(jar, '/auth/session')).body.session;
    const out = await http
      .post('/auth/logout')
      .set('Host', host())
      .set('Cookie', cookie)
      .set('Origin', origin)
      .set('X-CSRF-Token', csrfToken);
    expect(out.status).toBe(200);
    expect(out.body.endSessionUrl).toMatch(new RegExp(`^${origin}/dev-idp/logout\\?post_logout_redirect_uri=`));
    expectProblem(await http.get('/v1/me').set('Host', host()).set('Cookie', cookie), 401, 'session_expired');
  });
});
