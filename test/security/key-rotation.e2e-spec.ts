import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';
import { entraAccessTokenClaims, MintOptions, OfflineMode, TestApp, TestIssuer } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Key rollover and identity-provider outages, end to end: the app finds the issuer's keys through
 * real HTTP discovery (TestIssuer standing in for Entra ID), and the tests count what it fetches.
 * An unknown `kid` may cost at most one JWKS refresh per cooldown, a rotated key is picked up by
 * that refresh, and an outage never turns good tokens into 401s.
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-4000-8000-0000000beef1';
const AUDIENCE = 'api://flowgate-test';
const LONG_COOLDOWN_MS = 60_000;
/** Long enough that a few sequential requests fit inside it on a loaded CI machine. */
const SHORT_COOLDOWN_MS = 500;
const FLOOD_SIZE = 50;
const STORM_SIZE = 20;

const PROBLEM_JSON = /^application\/problem\+json/;
const GENERIC = 'The access token is not valid.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomKid = () => randomBytes(32).toString('base64url');
/** A client address of one request or test alone (the run shares one Redis, hence its rate-limit counters). */
const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('Key rotation and JWKS refresh', () => {
  let issuer: TestIssuer;
  /** The app under test in the current describe block. */
  let http: ReturnType<typeof request>;

  /**
   * One app at a time, created and closed by its describe block: @nestjs/passport registers the
   * strategy by name on passport's process-wide singleton, so while two apps are alive in one
   * process every request is authenticated by the strategy of the one created last.
   */
  function useApp(cooldownMs: number, before?: () => void, env: Record<string, string> = {}): void {
    let testApp: TestApp | undefined;
    beforeAll(async () => {
      before?.();
      testApp = await createTestApp({
        env: {
          AUTH_ENTRA_AUTHORITY_HOST: issuer.authorityHost,
          AUTH_ENTRA_V1_ISSUER_HOST: issuer.authorityHost,
          AUTH_ENTRA_TENANT_IDS: TENANT,
          AUTH_AUDIENCES: AUDIENCE,
          AUTH_JWKS_REFRESH_COOLDOWN_MS: String(cooldownMs),
          AUTH_DEV_IDENTITY_PROVIDER: 'false',
          ...env,
        },
      });
      http = request(testApp.app.getHttpServer());
    });
    afterAll(() => testApp?.close());
  }

  beforeAll(async () => {
    issuer = await TestIssuer.start();
  });

  afterAll(() => issuer?.close());

  /** A fresh token every call (Entra's opaque claims are random), so the verified-token cache never answers. */
  const mint = (options: MintOptions = {}): string =>
    issuer.mint(
      { ...entraAccessTokenClaims({ tid: TENANT, oid: OID, aud: AUDIENCE }), iss: issuer.entraIssuer(TENANT) },
      options,
    );

  const me = (token: string, ip = uniqueIp()) =>
    http.get('/v1/me').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', ip);

  /** JWKS (and discovery) requests the issuer receives while `action` runs. */
  async function fetchesDuring(action: () => Promise<unknown>): Promise<{ discovery: number; jwks: number }> {
    issuer.resetRequestCounts();
    await action();
    return { ...issuer.requests };
  }

  function expectAccepted(res: request.Response): void {
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId: TENANT, objectId: OID });
  }

  function expectInvalidToken(res: request.Response): void {
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ code: 'invalid_token', detail: GENERIC });
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="${GENERIC}"`);
  }

  describe(`unknown kids within the cooldown (${LONG_COOLDOWN_MS} ms)`, () => {
    useApp(LONG_COOLDOWN_MS);

    it(`a cold start under a flood of ${FLOOD_SIZE} unknown kids fetches the key set once, and the good token passes`, async () => {
      const responses: request.Response[] = [];
      const fetches = await fetchesDuring(async () => {
        const flood = Array.from({ length: FLOOD_SIZE }, () => me(mint({ kid: randomKid() })));
        responses.push(...(await Promise.all([me(mint()), ...flood])));
      });

      const [good, ...forged] = responses;
      expectAccepted(good);
      for (const res of forged) expectInvalidToken(res);
      expect(fetches).toEqual({ discovery: 1, jwks: 1 });
    });

    it(`a flood of ${FLOOD_SIZE} concurrent unknown kids triggers at most one JWKS fetch`, async () => {
      const fetches = await fetchesDuring(async () => {
        const responses = await Promise.all(Array.from({ length: FLOOD_SIZE }, () => me(mint({ kid: randomKid() }))));
        for (const res of responses) expectInvalidToken(res);
      });

      expect(fetches.jwks).toBeLessThanOrEqual(1);
      expect(fetches.discovery).toBeLessThanOrEqual(1);
    });

    it('serves valid tokens right after the flood without fetching again', async () => {
      const fetches = await fetchesDuring(async () => expectAccepted(await me(mint())));
      expect(fetches).toEqual({ discovery: 0, jwks: 0 });
    });
  });

  describe(`rotation and refresh after the cooldown (${SHORT_COOLDOWN_MS} ms)`, () => {
    useApp(SHORT_COOLDOWN_MS);

    beforeAll(async () => {
      expectAccepted(await me(mint()));
    });

    beforeEach(() => sleep(SHORT_COOLDOWN_MS + 100));

    it('picks up a rotated key (old one removed) with exactly one refresh', async () => {
      const oldKid = issuer.currentKid;
      const newKid = await issuer.rotateKeys();
      expect(issuer.publishedKids).toEqual([newKid]);

      const fetches = await fetchesDuring(async () => {
        expectAccepted(await me(mint()));
        // The refreshed set now serves every token with the new kid.
        expectAccepted(await me(mint()));
      });
      expect(fetches).toEqual({ discovery: 1, jwks: 1 });

      // The removed key no longer verifies anything new it signs, and costs no fetch inside the cooldown.
      const afterRemoval = await fetchesDuring(async () => expectInvalidToken(await me(mint({ kid: oldKid }))));
      expect(afterRemoval.jwks).toBe(0);
    });

    it('stops accepting a cached token once its key has left the refreshed key set', async () => {
      const beforeRotation = mint();
      expectAccepted(await me(beforeRotation));
      await issuer.rotateKeys();

      // Until the app refreshes, the key set it holds still has the old key: served from the cache, no fetch.
      const cached = await fetchesDuring(async () => expectAccepted(await me(beforeRotation)));
      expect(cached).toEqual({ discovery: 0, jwks: 0 });

      // A token with the new kid makes the app refresh; the old key is gone from what it holds now.
      const refreshed = await fetchesDuring(async () => expectAccepted(await me(mint())));
      expect(refreshed).toEqual({ discovery: 1, jwks: 1 });

      const after = await fetchesDuring(async () => expectInvalidToken(await me(beforeRotation)));
      expect(after).toEqual({ discovery: 0, jwks: 0 });
    });

    it('answers a token without kid with 401 (not 500) while several keys are published', async () => {
      await issuer.rotateKeys({ keepOld: true });
      expectAccepted(await me(mint()));
      expect(issuer.publishedKids).toHaveLength(2);

      expectInvalidToken(await me(mint({ header: { kid: undefined } })));
    });

    it('lets a new unknown kid trigger another refresh once the cooldown has passed, and only one per cooldown', async () => {
      const first = await fetchesDuring(async () => {
        expectInvalidToken(await me(mint({ kid: randomKid() })));
        expectInvalidToken(await me(mint({ kid: randomKid() })));
      });
      expect(first.jwks).toBe(1);

      await sleep(SHORT_COOLDOWN_MS + 100);

      const second = await fetchesDuring(async () => expectInvalidToken(await me(mint({ kid: randomKid() }))));
      expect(second.jwks).toBe(1);
    });

    it.each<OfflineMode>(['unavailable', 'reset'])(
      'keeps verifying with the last good key set while the issuer is offline (%s)',
      async (mode) => {
        issuer.goOffline(mode);
        try {
          expectAccepted(await me(mint()));
          // An unknown kid does try a refresh (past the cooldown); its failure must not drop the keys.
          const fetches = await fetchesDuring(async () => expectInvalidToken(await me(mint({ kid: randomKid() }))));
          expect(fetches.discovery).toBe(1);
          expectAccepted(await me(mint()));
        } finally {
          issuer.goOnline();
        }
      },
    );
  });

  describe(`an outage before any key was fetched, cooldown ${LONG_COOLDOWN_MS} ms`, () => {
    const BUDGET = 5;
    useApp(LONG_COOLDOWN_MS, () => issuer.goOffline('unavailable'), {
      RATE_LIMIT_ANONYMOUS: `${BUDGET}/60s`,
      TRUST_PROXY: 'true',
    });

    afterAll(() => issuer.goOnline());

    function expectUnavailable(res: request.Response): void {
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
      // The next fetch is a cooldown away, so that is when to come back.
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(5);
    }

    it(`${STORM_SIZE} concurrent and then ${STORM_SIZE} sequential valid tokens cause one discovery fetch`, async () => {
      const concurrent = await fetchesDuring(async () => {
        const responses = await Promise.all(Array.from({ length: STORM_SIZE }, () => me(mint())));
        for (const res of responses) expectUnavailable(res);
      });
      expect(concurrent).toEqual({ discovery: 1, jwks: 0 });

      const sequential = await fetchesDuring(async () => {
        for (let i = 0; i < STORM_SIZE; i++) expectUnavailable(await me(mint()));
      });
      expect(sequential).toEqual({ discovery: 0, jwks: 0 });
    });

    it('counts those refusals against the failed-authentication budget of the client', async () => {
      const ip = uniqueIp();
      for (let i = 0; i < BUDGET; i++) expectUnavailable(await me(mint(), ip));
      const refused = await me(mint(), ip);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'too_many_requests' });
      // The same budget as for any other failed authentication: a bad token from there is refused too.
      expect((await me('not.a.token', ip)).status).toBe(429);
    });
  });

  describe('an issuer that was never reachable', () => {
    // The app boots while the issuer is down, so its key set has never been fetched.
    useApp(SHORT_COOLDOWN_MS, () => issuer.goOffline('unavailable'));

    afterAll(() => issuer.goOnline());

    // Each test's first request may fetch again only once the previous attempt's cooldown is over.
    beforeEach(() => sleep(SHORT_COOLDOWN_MS + 100));

    const responses: request.Response[] = [];

    it.each<OfflineMode>(['unavailable', 'reset'])(
      'answers a valid token with 503 dependency_unavailable and Retry-After, not 401 (%s)',
      async (mode) => {
        issuer.goOffline(mode);
        const fetches = await fetchesDuring(async () => responses.push(await me(mint())));
        const [res] = responses.splice(0);

        expect(fetches.discovery).toBe(1);
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(res.body.code).toBe('dependency_unavailable');
        expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
        // Not a challenge: the client must keep its token and retry, not sign the user in again.
        expect(res.headers['www-authenticate']).toBeUndefined();
        // The cause (which issuer, which URL) stays in the logs.
        expect(JSON.stringify(res.body)).not.toContain(issuer.authorityHost);
      },
    );

    it('still answers tokens that fail before any key is needed with 401', async () => {
      expectInvalidToken(await me(mint({ alg: 'none' })));
      expectInvalidToken(
        await me(
          issuer.mint({
            ...entraAccessTokenClaims({ tid: TENANT, oid: OID, aud: AUDIENCE }),
            iss: 'https://evil.example',
          }),
        ),
      );
    });

    it('recovers without a restart once the issuer answers', async () => {
      issuer.goOnline();
      const fetches = await fetchesDuring(async () => expectAccepted(await me(mint())));
      expect(fetches).toEqual({ discovery: 1, jwks: 1 });
    });
  });
});
