import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { bearer, expectRemaining, expectTooManyRequests, on, sample, tokenFor } from '../support/rate-limit-responses';

/**
 * The `principal` rate limit on two instances sharing Redis, as behind a load balancer: one
 * budget per user across instances. Here rather than in test/traffic so that the cluster tier
 * runs it against a Redis Cluster too (ADR 21).
 */
describe('Rate limits across instances', () => {
  describe('principal policy on two instances sharing Redis', () => {
    let a: TestApp;
    let b: TestApp;
    let keyDir: string;

    beforeAll(async () => {
      // One signing key for both instances, in a folder of this file's own (see the
      // multi-instance spec: parallel workers may replace the run's key file).
      keyDir = mkdtempSync(join(tmpdir(), 'flowgate-rate-limits-'));
      const env = { AUTH_DEV_KEY_DIR: keyDir, RATE_LIMIT_PRINCIPAL: '5/60s' };
      [a, b] = await Promise.all([createTestApp({ env }), createTestApp({ env })]);
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('counts one user’s requests on A and B against one budget of 5, per user not per IP', async () => {
      const token = await tokenFor(a, 'shared');
      for (let i = 0; i < 5; i++) {
        const res = await on(i % 2 === 0 ? a : b)
          .get('/v1/me')
          .set(bearer(token));
        expect({ request: i + 1, status: res.status }).toEqual({ request: i + 1, status: 200 });
        expect(res.headers['ratelimit-policy']).toBe('"principal";q=5;w=60');
        expectRemaining(res, 'principal', 4 - i, 60);
      }
      expectTooManyRequests(await on(b).get('/v1/me').set(bearer(token)), 'principal');

      // Same client address (every test calls from 127.0.0.1), another user: a budget of its own.
      const other = await tokenFor(a, 'shared-other');
      for (const instance of [a, b]) {
        const res = await on(instance).get('/v1/me').set(bearer(other));
        expect(res.status).toBe(200);
      }
    });

    it('refuses over the budget with a 429 problem naming the policy, Retry-After and no-store', async () => {
      const token = await tokenFor(a, 'refused');
      for (let i = 0; i < 5; i++) await on(a).get('/v1/me').set(bearer(token)).expect(200);

      const res = await on(b).get('/v1/me').set(bearer(token));
      expectTooManyRequests(res, 'principal');
      expect(res.body).toMatchObject({ status: 429, requestId: res.headers['x-request-id'] });
      expect(res.body.requestId).toEqual(expect.any(String));
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['ratelimit-policy']).toBe('"principal";q=5;w=60');
      expectRemaining(res, 'principal', 0, 60);

      const scraped = await on(b).get('/metrics').expect(200);
      expect(sample(scraped.text, 'rate_limit_refused_total{policy="principal"}')).toBeGreaterThanOrEqual(1);
    });
  });
});
