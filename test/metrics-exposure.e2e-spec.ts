import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { MetricsServer } from '@flowgate/core';
import { entraAccessTokenClaims, TestApp, TestIssuer } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * Where metrics are served in production: never on the public port unless configured, on a port
 * of their own for Prometheus, behind METRICS_BEARER_TOKEN when one is set; and what a scrape
 * shows. Each describe block runs one production-configured app (one Nest app per jest file at a
 * time: Passport's strategy registry is process-wide).
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUDIENCE = 'api://flowgate-metrics-test';
const TOKEN = randomBytes(32).toString('hex');
const ANCHOR_SIGNING_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const PROBLEM_JSON = /^application\/problem\+json/;
const PROBLEM_MEMBERS = ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'];

describe('Metrics exposure (NODE_ENV=production)', () => {
  let issuer: TestIssuer;
  let testApp: TestApp | undefined;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
  });

  afterAll(() => issuer?.close());

  /** A production app trusting the loopback test issuer (allowed only with AUTH_ALLOW_INSECURE_ISSUERS). */
  function useProductionApp(env: Record<string, string>): void {
    beforeAll(async () => {
      testApp = await createTestApp({
        env: {
          NODE_ENV: 'production',
          AUTH_ENTRA_AUTHORITY_HOST: issuer.authorityHost,
          AUTH_ENTRA_V1_ISSUER_HOST: issuer.authorityHost,
          AUTH_ALLOW_INSECURE_ISSUERS: 'true',
          AUTH_ENTRA_TENANT_IDS: TENANT,
          AUTH_AUDIENCES: AUDIENCE,
          METRICS_HOST: '127.0.0.1',
          PUBLIC_BASE_URL: 'https://flowgate.example.com',
          WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
          AUDIT_ANCHOR_SIGNING_KEY: ANCHOR_SIGNING_KEY,
          ...env,
        },
      });
    });
    afterAll(async () => {
      await testApp?.close();
      testApp = undefined;
    });
  }

  const main = () => request(testApp!.app.getHttpServer());
  const metricsUrl = () => testApp!.app.get(MetricsServer).url;
  const metricsPort = () => request(metricsUrl()!);

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    expect(res.headers['cache-control']).toBe('no-store');
  }

  function expectScrape(res: request.Response): void {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^process_cpu_user_seconds_total /m);
  }

  describe('defaults: a metrics port of its own, none on the main port', () => {
    useProductionApp({ METRICS_PORT: '0' });

    it('answers /metrics on the main port with a 404 problem, as for any unknown path', async () => {
      expectProblem(await main().get('/metrics'), 404, 'route_not_found');
      expect((await main().get('/health/live')).status).toBe(200);
    });

    it('leaves /metrics out of the contract this deployment serves', async () => {
      const res = await main().get('/openapi.json');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.paths)).toContain('/health/live');
      expect(Object.keys(res.body.paths)).not.toContain('/metrics');
    });

    it('serves the metrics on the metrics port, without a token when none is configured', async () => {
      expect(metricsUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await main().get('/v1/problem-types/not_found');
      const res = await metricsPort().get('/metrics');
      expectScrape(res);
      expect(res.text).toContain(
        'http_request_duration_seconds_count{method="GET",route="/v1/problem-types/:code",status_code="200"} 1',
      );
      // Scrapes are not API traffic: nothing of the metrics port in the request histogram.
      expect(res.text).not.toMatch(/route="\/metrics"/);
    });

    it('shows issuer kinds, not tenant ids', async () => {
      const token = issuer.mint({
        ...entraAccessTokenClaims({ tid: TENANT, oid: randomUUID(), aud: AUDIENCE }),
        iss: issuer.entraIssuer(TENANT),
      });
      expect((await main().get('/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);

      const res = await metricsPort().get('/metrics');
      expectScrape(res);
      expect(res.text).toMatch(/^auth_jwks_age_seconds\{issuer_kind="entra-v2"\} \d/m);
      expect(res.text).not.toContain(TENANT);
      expect(res.text).not.toContain(issuer.authorityHost);
    });

    it.each([['/'], ['/health/live'], ['/v1/me'], ['/metrics/extra']])(
      'serves nothing else on the metrics port: %s is a 404 problem',
      async (path) => {
        expectProblem(await metricsPort().get(path), 404, 'route_not_found');
      },
    );

    it('stops listening on the metrics port when the app closes', async () => {
      const url = metricsUrl()!;
      await testApp!.close();
      testApp = undefined;
      await expect(fetch(`${url}/metrics`)).rejects.toThrow();
    });
  });

  describe('with METRICS_BEARER_TOKEN', () => {
    useProductionApp({ METRICS_PORT: '0', METRICS_BEARER_TOKEN: TOKEN });

    it.each<[string, Record<string, string>, string]>([
      ['no Authorization header', {}, 'unauthenticated'],
      ['another scheme', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, 'unauthenticated'],
      ['a wrong token', { Authorization: `Bearer ${randomBytes(32).toString('hex')}` }, 'invalid_token'],
      ['the token with one character changed', { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, 'invalid_token'],
      ['a prefix of the token', { Authorization: `Bearer ${TOKEN.slice(0, 32)}` }, 'invalid_token'],
      ['the token with something appended', { Authorization: `Bearer ${TOKEN}0` }, 'invalid_token'],
      ['an empty bearer', { Authorization: 'Bearer ' }, 'unauthenticated'],
    ])('refuses a scrape with %s: 401 problem with a Bearer challenge', async (_case, headers, code) => {
      const res = await metricsPort().get('/metrics').set(headers);
      expectProblem(res, 401, code);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="metrics"/);
      expect(res.text).not.toContain('process_cpu');
    });

    it('serves a scrape with the token (scheme in any case)', async () => {
      expectScrape(await metricsPort().get('/metrics').set('Authorization', `Bearer ${TOKEN}`));
      expectScrape(await metricsPort().get('/metrics').set('Authorization', `bearer ${TOKEN}`));
    });

    it('still serves nothing on the main port, token or not', async () => {
      expectProblem(await main().get('/metrics').set('Authorization', `Bearer ${TOKEN}`), 404, 'route_not_found');
    });
  });

  describe('METRICS_ON_MAIN_PORT=true with a token, no metrics port', () => {
    useProductionApp({ METRICS_PORT: 'off', METRICS_ON_MAIN_PORT: 'true', METRICS_BEARER_TOKEN: TOKEN });

    it('opens no metrics port', () => {
      expect(metricsUrl()).toBeUndefined();
    });

    it.each<[string, Record<string, string>, string]>([
      ['no token', {}, 'unauthenticated'],
      [
        'a wrong token',
        { Authorization: `Bearer ${TOKEN.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}` },
        'invalid_token',
      ],
    ])('refuses %s on the main port with a 401 problem', async (_case, headers, code) => {
      const res = await main().get('/metrics').set(headers);
      expectProblem(res, 401, code);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="metrics"/);
    });

    it('refuses a valid access token: only the metrics token opens /metrics', async () => {
      const token = issuer.mint({
        ...entraAccessTokenClaims({ tid: TENANT, oid: randomUUID(), aud: AUDIENCE, roles: ['admin'] }),
        iss: issuer.entraIssuer(TENANT),
      });
      expect((await main().get('/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      expectProblem(await main().get('/metrics').set('Authorization', `Bearer ${token}`), 401, 'invalid_token');
    });

    it('serves the metrics on the main port with the token', async () => {
      expectScrape(await main().get('/metrics').set('Authorization', `Bearer ${TOKEN}`));
    });
  });
});
