import { randomInt } from 'node:crypto';
import { loadConfig } from '@flowgate/core';
import { eventually, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { bearer, expectRemaining, expectTooManyRequests, on, sample, tokenFor } from '../support/rate-limit-responses';

/**
 * Rate limits end to end, on the real app and the run's Redis (one budget across instances:
 * test/multi-instance/rate-limits-across-instances.e2e-spec.ts): a refusal is a 429 problem with
 * `Retry-After`, `Cache-Control: no-store` and the IETF `RateLimit` fields; windows restart; public routes are
 * limited per client IP (`anonymous`); probes and metrics are exempt; `sensitive` stacks on admin
 * writes; and without Redis each instance keeps limiting on its own, shown by readiness and
 * /metrics, until Redis is back. Every app here sets its own small budgets (the test app's default
 * ones are huge), and every test uses its own users and client IPs, since the whole run shares one
 * Redis key prefix.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client address of this test alone, sent as `X-Forwarded-For` to apps with TRUST_PROXY. */
const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('Rate limits', () => {
  describe('route budgets (@Throttle, @SkipThrottle)', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ probes: true, env: { RATE_LIMIT_PRINCIPAL: '100/60s' } });
    });

    afterAll(async () => {
      await testApp?.close();
    });

    it.each([
      ['a fixed override', 'fixed', 2],
      ['an override resolved per request', 'resolved', 3],
    ])('limits a route with %s to its own budget', async (_label, route, limit) => {
      const token = await tokenFor(testApp, `budget-${route}`);
      for (let i = 0; i < limit; i++) {
        const res = await on(testApp).get(`/v1/probes/budgets/${route}`).set(bearer(token));
        expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
        expect(res.headers['ratelimit-policy']).toBe(`"principal";q=${limit};w=60`);
      }
      expectTooManyRequests(await on(testApp).get(`/v1/probes/budgets/${route}`).set(bearer(token)), 'principal');
    });

    it('does not count a route that skips the policy', async () => {
      const token = await tokenFor(testApp, 'budget-skipped');
      for (let i = 0; i < 3; i++) {
        const res = await on(testApp).get('/v1/probes/budgets/skipped').set(bearer(token));
        expect(res.status).toBe(200);
        expect(res.headers['ratelimit-policy']).toBeUndefined();
      }
    });
  });

  describe('window restart', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ env: { RATE_LIMIT_PRINCIPAL: '2/1s' } });
    });

    afterAll(() => testApp?.close());

    it('serves again once the window has passed', async () => {
      const http = on(testApp);
      const token = await tokenFor(testApp, 'window');
      await http.get('/v1/me').set(bearer(token)).expect(200);
      await http.get('/v1/me').set(bearer(token)).expect(200);
      const refused = await http.get('/v1/me').set(bearer(token));
      expectTooManyRequests(refused, 'principal');
      expect(refused.headers['retry-after']).toBe('1');

      await sleep(1_100);
      const again = await http.get('/v1/me').set(bearer(token));
      expect(again.status).toBe(200);
      expectRemaining(again, 'principal', 1, 1);
    });
  });

  describe('anonymous policy on public routes', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '3/60s', TRUST_PROXY: 'true' } });
    });

    afterAll(() => testApp?.close());

    it('limits each client IP on its own', async () => {
      const http = on(testApp);
      const ip = uniqueIp();
      for (let i = 0; i < 3; i++) {
        const res = await http.get('/v1/problem-types').set('X-Forwarded-For', ip);
        expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
        expect(res.headers['ratelimit-policy']).toBe('"anonymous";q=3;w=60');
        expectRemaining(res, 'anonymous', 2 - i, 60);
      }
      const refused = await http.get('/v1/problem-types').set('X-Forwarded-For', ip);
      expectTooManyRequests(refused, 'anonymous');
      expect(refused.headers['cache-control']).toBe('no-store');

      const other = await http.get('/v1/problem-types').set('X-Forwarded-For', uniqueIp());
      expect(other.status).toBe(200);
      expectRemaining(other, 'anonymous', 2, 60);
    });

    it('counts failed authentications against the same per-IP budget, never valid tokens', async () => {
      const http = on(testApp);
      const ip = uniqueIp();
      const forged = bearer('not.a.token');
      for (let i = 0; i < 3; i++) {
        const res = await http.get('/v1/me').set('X-Forwarded-For', ip).set(forged);
        expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
      }
      const refused = await http.get('/v1/me').set('X-Forwarded-For', ip).set(forged);
      expectTooManyRequests(refused, 'anonymous');
      expect(refused.headers.ratelimit).toMatch(/^"anonymous";r=0;t=\d+$/);
      // One budget for unauthenticated traffic: the public routes are closed to this IP too...
      expect((await http.get('/v1/problem-types').set('X-Forwarded-For', ip)).status).toBe(429);
      // ...but a valid token from the same address (a colleague behind the same NAT) still works.
      const valid = await http
        .get('/v1/me')
        .set('X-Forwarded-For', ip)
        .set(bearer(await tokenFor(testApp, 'colleague')));
      expect(valid.status).toBe(200);
      // And another address's failures are its own.
      expect((await http.get('/v1/me').set('X-Forwarded-For', uniqueIp()).set(forged)).status).toBe(401);
    });
  });

  describe('exempt routes', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '1/60s', TRUST_PROXY: 'true' } });
    });

    afterAll(() => testApp?.close());

    it.each([['/health/live'], ['/health/ready'], ['/metrics']])(
      'never limits %s, even for an IP over its budget, and sends no RateLimit fields',
      async (path) => {
        const http = on(testApp);
        const ip = uniqueIp();
        await http.get('/v1/problem-types').set('X-Forwarded-For', ip).expect(200);
        expectTooManyRequests(await http.get('/v1/problem-types').set('X-Forwarded-For', ip), 'anonymous');

        for (let i = 0; i < 20; i++) {
          const res = await http.get(path).set('X-Forwarded-For', ip);
          expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
          expect(res.headers.ratelimit).toBeUndefined();
          expect(res.headers['ratelimit-policy']).toBeUndefined();
        }
      },
    );
  });

  describe('sensitive policy on admin writes', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ env: { RATE_LIMIT_PRINCIPAL: '100/60s', RATE_LIMIT_SENSITIVE: '2/60s' } });
    });

    afterAll(() => testApp?.close());

    it('adds a budget of 2 to role grants, on top of the principal budget', async () => {
      const http = on(testApp);
      const admin = bearer(await tokenFor(testApp, 'admin', ['admin'], true));
      const target = await http
        .get('/v1/me')
        .set(bearer(await tokenFor(testApp, 'target')))
        .expect(200);
      const grant = () => http.put(`/v1/users/${target.body.id}/role-grants/approver`).set(admin);

      for (let i = 0; i < 2; i++) {
        const res = await grant();
        expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
        const policies = String(res.headers['ratelimit-policy']).split(', ').sort();
        expect(policies).toEqual(['"principal";q=100;w=60', '"sensitive";q=2;w=60']);
        expectRemaining(res, 'principal', 99 - i, 60);
        expectRemaining(res, 'sensitive', 1 - i, 60);
      }
      const refused = await grant();
      expectTooManyRequests(refused, 'sensitive');
      expectRemaining(refused, 'sensitive', 0, 60);

      // Only the sensitive budget is spent: the admin's other requests go on.
      const me = await http.get('/v1/me').set(admin);
      expect(me.status).toBe(200);
      expect(me.headers['ratelimit-policy']).toBe('"principal";q=100;w=60');
    });
  });

  describe('while Redis is unreachable', () => {
    let proxy: TcpProxy;
    let testApp: TestApp;

    beforeAll(async () => {
      const redisUrl = loadConfig().redis.url!;
      proxy = await TcpProxy.start(redisUrl);
      testApp = await createTestApp({ env: { REDIS_URL: proxy.route(redisUrl), RATE_LIMIT_PRINCIPAL: '3/60s' } });
    });

    afterAll(async () => {
      await testApp?.close();
      await proxy?.close();
    });

    it('keeps serving with per-instance limits, reports it, and shares limits again once Redis is back', async () => {
      const http = on(testApp);
      const scrape = async () => (await http.get('/metrics').expect(200)).text;
      await eventually(async () => expect((await http.get('/health/ready')).body.status).toBe('ok'));

      await proxy.cut();
      const token = await tokenFor(testApp, 'degraded');
      for (let i = 0; i < 3; i++) {
        const res = await http.get('/v1/me').set(bearer(token));
        expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
        expectRemaining(res, 'principal', 2 - i, 60);
      }
      expectTooManyRequests(await http.get('/v1/me').set(bearer(token)), 'principal');

      await eventually(async () => {
        const ready = await http.get('/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body).toMatchObject({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
        expect(ready.body.degraded?.rateLimiting).toEqual(expect.any(String));
      });
      const degraded = await scrape();
      expect(sample(degraded, 'rate_limit_degraded')).toBe(1);
      expect(sample(degraded, 'rate_limit_local_fallbacks_total')).toBeGreaterThan(0);
      expect(sample(degraded, 'rate_limit_refused_total{policy="principal"}')).toBeGreaterThanOrEqual(1);

      await proxy.restore();
      // No traffic meanwhile: an idle instance must recover too (the storage probes Redis itself).
      await eventually(async () => {
        const ready = await http.get('/health/ready');
        expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
        expect(sample(await scrape(), 'rate_limit_degraded')).toBe(0);
      }, 15_000);
    }, 60_000);
  });
});
