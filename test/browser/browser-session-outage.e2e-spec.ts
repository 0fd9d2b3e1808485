import request from 'supertest';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { CookieJar, eventually, expectProblem, signInAsBrowser, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Sessions live in Redis. With Redis cut, a cookie proves nothing (its session cannot be read, nor
 * its revocation time trusted from a cache), so cookie requests fail closed with 401
 * `session_unavailable`, while bearer tokens keep being served by the fallbacks (ADR 9).
 */
describe('Browser sessions while Redis is away', () => {
  let proxy: TcpProxy;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const target = loadConfig().redis.url!;
    proxy = await TcpProxy.start(target);
    testApp = await createTestApp({ env: { REDIS_URL: proxy.route(target) } });
    http = request(testApp.app.getHttpServer());
  });

  /** What the app logged at warning level or above (pino: 40 and up). */
  const problemsLogged = () => testApp.logs.lines.filter((line) => (line.level ?? 0) >= 40);

  afterAll(async () => {
    await testApp?.close();
    await proxy?.close();
  });

  it('fails cookie sessions closed and keeps serving bearer tokens, then serves the session again', async () => {
    const host = new URL(testApp.url).host;
    const jar = new CookieJar();
    const signedIn = await signInAsBrowser(testApp.app.getHttpServer(), jar, { user: `outage-${process.pid}` }, '/auth/login', host); // prettier-ignore
    // Once seen failing with a 500 in CI and never again locally: should it recur, the app's own
    // warnings and errors say why.
    expect({ status: signedIn.status, logged: signedIn.status === 302 ? [] : problemsLogged() }).toEqual({
      status: 302,
      logged: [],
    });
    const token = await testApp.app.get(DevIdentityProvider).mint({ user: `outage-bearer-${process.pid}` });
    const byCookie = () => http.get('/v1/me').set('Host', host).set('Cookie', jar.header());
    await byCookie().expect(200);

    await proxy.cut();
    await eventually(async () => expectProblem(await byCookie(), 401, 'session_unavailable'));
    await http.get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    await proxy.restore();
    await eventually(async () => expect((await byCookie()).status).toBe(200));
  });
});
