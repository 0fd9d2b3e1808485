import request from 'supertest';
import { accountsFor, CookieJar, expectProblem, pathOf, signInAsBrowser, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const COOKIE = 'flowgate-session';
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** The negative side of browser sessions: what a cookie must never get through. */
describe('Browser sessions: security', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let origin: string;
  let admin: Awaited<ReturnType<ReturnType<typeof accountsFor>>>;
  let n = 0;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    origin = testApp.url;
    admin = await accountsFor(testApp, 'bss')('admin', ['admin'], { stepUp: true });
  });

  afterAll(() => testApp.close());

  const host = () => new URL(origin).host;
  const as = (jar: CookieJar, req: request.Test) => req.set('Host', host()).set('Cookie', jar.header());
  const person = (roles: string[] = [], mfa = false) => ({ user: `bss-${process.pid}-${(n += 1)}`, roles, mfa });

  async function signedIn(roles: string[] = [], mfa = false, login = '/auth/login') {
    const jar = new CookieJar();
    const who = person(roles, mfa);
    expect((await signInAsBrowser(testApp.app.getHttpServer(), jar, who, login, host())).status).toBe(302);
    const session = await as(jar, http.get('/auth/session')).expect(200);
    return { jar, id: session.body.user.id as string, csrf: session.body.session.csrfToken as string };
  }

  const logout = (jar: CookieJar, headers: Record<string, string>) => as(jar, http.post('/auth/logout')).set(headers);

  it('refuses an absent cookie, a forged one and one sent twice', async () => {
    expectProblem(await http.get('/v1/me').set('Host', host()), 401, 'unauthenticated');
    const forged = await http
      .get('/v1/me')
      .set('Host', host())
      .set('Cookie', `${COOKIE}=${'A'.repeat(43)}`);
    expectProblem(forged, 401, 'session_expired');
    expect(forged.body.signInUrl).toBe('/auth/login');
    const { jar } = await signedIn();
    const twice = `${jar.header()}; ${COOKIE}=${'B'.repeat(43)}`;
    expectProblem(await http.get('/v1/me').set('Host', host()).set('Cookie', twice), 401, 'unauthenticated');
  });

  it('gives a new session id at sign-in and ends the one the browser brought (no fixation)', async () => {
    const { jar } = await signedIn();
    const before = jar.get(COOKIE)!;
    expect((await signInAsBrowser(testApp.app.getHttpServer(), jar, person(), '/auth/login', host())).status).toBe(302);
    expect(jar.get(COOKIE)).not.toBe(before);
    const old = await http.get('/v1/me').set('Host', host()).set('Cookie', `${COOKIE}=${before}`);
    expectProblem(old, 401, 'session_expired');
    await as(jar, http.get('/v1/me')).expect(200);
  });

  it('refuses cookie writes from another origin or site, or without the CSRF token', async () => {
    const { jar, csrf } = await signedIn();
    expectProblem(await logout(jar, { Origin: 'https://evil.example', 'X-CSRF-Token': csrf }), 403, 'csrf_rejected');
    expectProblem(await logout(jar, { 'Sec-Fetch-Site': 'cross-site', 'X-CSRF-Token': csrf }), 403, 'csrf_rejected');
    expectProblem(await logout(jar, { Origin: origin }), 403, 'csrf_rejected');
    expectProblem(await logout(jar, { Origin: origin, 'X-CSRF-Token': 'x'.repeat(43) }), 403, 'csrf_rejected');
    await as(jar, http.get('/v1/me')).expect(200);
    await logout(jar, { Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'X-CSRF-Token': csrf }).expect(200);
  });

  it('signs a revoked session out on its next request', async () => {
    const { jar, id } = await signedIn();
    await sleep(1100); // revocations compare whole seconds; the sign-in's own second stays valid
    await http.post(`/v1/users/${id}/revoke-sessions`).set(admin.auth).expect(200);
    const res = await as(jar, http.get('/v1/me'));
    expectProblem(res, 401, 'session_revoked');
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^${COOKIE}=; .*Max-Age=0`));
    expectProblem(await as(jar, http.get('/v1/me')), 401, 'session_expired');
  });

  it('refuses a suspended user, and ends the session', async () => {
    const { jar, id } = await signedIn();
    const { etag } = (await http.get(`/v1/users/${id}`).set(admin.auth).expect(200)).headers;
    await http.patch(`/v1/users/${id}`).set(admin.auth).set('If-Match', etag).send({ status: 'suspended' }).expect(200);
    expectProblem(await as(jar, http.get('/v1/me')), 403, 'user_suspended');
    expectProblem(await as(jar, http.get('/v1/me')), 401, 'session_expired');
  });

  it('asks a cookie session to step up with a sign-in address, and marks the session stepped up after it', async () => {
    const target = (await signedIn()).id;
    const plain = await signedIn(['admin']);
    const revoke = (s: typeof plain) =>
      as(s.jar, http.post(`/v1/users/${target}/revoke-sessions`)).set({ Origin: origin, 'X-CSRF-Token': s.csrf });
    const refused = await revoke(plain);
    expectProblem(refused, 401, 'step_up_required');
    expect(refused.body.signInUrl).toBe('/auth/login?stepUp=c1');

    const stepped = await signedIn(['admin'], true, `${refused.body.signInUrl as string}&returnTo=/app`);
    const session = await as(stepped.jar, http.get('/auth/session')).expect(200);
    expect(session.body.stepUp).toEqual({ satisfied: true, at: expect.any(String) });
    await revoke(stepped).expect(200);
  });

  it.each([
    ['another site', 'https://evil.example/app'],
    ['a protocol-relative address', '//evil.example/app'],
    ['a backslash address', '/\\evil.example'],
    ['a script', 'javascript:alert(1)'],
  ])('refuses a returnTo of %s', async (_, returnTo) => {
    expectProblem(await http.get('/auth/login').set('Host', host()).query({ returnTo }), 400, 'return_to_not_allowed');
  });

  it('refuses a step-up for an unknown authentication context', async () => {
    expectProblem(await http.get('/auth/login?stepUp=c9').set('Host', host()), 400, 'sign_in_failed');
  });

  it('refuses a callback with an unknown state, from another browser, or with a nonce that does not match', async () => {
    expectProblem(await http.get('/auth/callback?code=x&state=unknown').set('Host', host()), 400, 'sign_in_failed');

    // Started in one browser, finished in another (no sign-in cookie): a code injected into a victim's browser.
    const jar = new CookieJar();
    const start = await http.get('/auth/login').set('Host', host());
    jar.take(start);
    const page = await http.get(pathOf(start.headers.location)).set('Host', host());
    const requestId = /name="request" value="([^"]+)"/.exec(page.text)![1];
    const approved = await http.get('/dev-idp/authorize/approve').query({ request: requestId, user: 'mallory' });
    const callback = pathOf(approved.headers.location);
    expectProblem(await http.get(callback).set('Host', host()), 400, 'sign_in_failed');

    // The identity provider answered another request's nonce.
    const other = new CookieJar();
    const begun = await http.get('/auth/login').set('Host', host());
    other.take(begun);
    const tampered = new URL(begun.headers.location);
    tampered.searchParams.set('nonce', 'not-the-one-sent');
    const tamperedPage = await http.get(pathOf(tampered.toString())).set('Host', host());
    const tamperedId = /name="request" value="([^"]+)"/.exec(tamperedPage.text)![1];
    const back = await http.get('/dev-idp/authorize/approve').query({ request: tamperedId, user: 'mallory' });
    const res = await as(other, http.get(pathOf(back.headers.location)));
    expectProblem(res, 400, 'sign_in_failed');
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain(`${COOKIE}=`);
  });

  it('lists a user’s sessions to admins only, without cookies or tokens', async () => {
    const { jar, id } = await signedIn();
    const listed = await http.get(`/v1/users/${id}/sessions`).set(admin.auth).expect(200);
    expect(listed.body.value).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(jar.get(COOKIE));
    expectProblem(await as(jar, http.get(`/v1/users/${id}/sessions`)), 403, 'insufficient_role');
  });
});
