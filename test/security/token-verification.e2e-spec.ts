import request from 'supertest';
import {
  entraAccessTokenClaims,
  entraAppTokenClaims,
  entraIdTokenClaims,
  MintOptions,
  tamperPayload,
  tamperSignature,
  TEST_CLIENT_APP_ID,
  TestApp,
  TestIssuer,
} from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * The token verification matrix, end to end: real HTTP OIDC discovery and JWKS (TestIssuer
 * standing in for Entra ID), the real app, one request per attack. Every rejection must look the
 * same from outside (401 invalid_token, one generic description) except expiry, the one failure
 * a legitimate client acts on (it refreshes the token).
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SECOND_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
/** Same authority host and keys (as in Entra, where all tenants share the signing keys), not allowed. */
const FOREIGN_TENANT = '0b5ae5b4-2f8e-4d55-9a0c-6a3f9e1c7d21';
const OID = '00000000-0000-4000-8000-00000000c0de';
const AUDIENCE = 'api://flowgate-test';
const SKEW_SECONDS = 60;
const MAX_TOKEN_BYTES = 4096;

const PROBLEM_JSON = /^application\/problem\+json/;
const GENERIC = 'The access token is not valid.';
const EXPIRED = 'The access token has expired.';
const PROBLEM_MEMBERS = ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'];

const encode = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('Token verification (security matrix)', () => {
  let issuer: TestIssuer;
  let untrusted: TestIssuer;
  /** The app under test in the current describe block. */
  let http: ReturnType<typeof request>;

  const entraEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    AUTH_ENTRA_AUTHORITY_HOST: issuer.authorityHost,
    AUTH_ENTRA_V1_ISSUER_HOST: issuer.authorityHost,
    AUTH_ENTRA_TENANT_IDS: `${TENANT},${SECOND_TENANT}`,
    AUTH_AUDIENCES: AUDIENCE,
    AUTH_CLOCK_SKEW_SECONDS: String(SKEW_SECONDS),
    AUTH_MAX_TOKEN_BYTES: String(MAX_TOKEN_BYTES),
    // Only the Entra tenants are trusted, so nothing else can explain an accepted token.
    AUTH_DEV_IDENTITY_PROVIDER: 'false',
    ...extra,
  });

  /**
   * One app at a time, created and closed by its describe block: @nestjs/passport registers the
   * strategy by name on passport's process-wide singleton, so while two apps are alive in one
   * process every request is authenticated by the strategy of the one created last.
   */
  function useApp(env: Record<string, string>): void {
    let testApp: TestApp | undefined;
    beforeAll(async () => {
      testApp = await createTestApp({ env: entraEnv(env) });
      http = request(testApp.app.getHttpServer());
    });
    afterAll(() => testApp?.close());
  }

  beforeAll(async () => {
    [issuer, untrusted] = await Promise.all([TestIssuer.start(), TestIssuer.start()]);
  });

  afterAll(() => Promise.all([issuer?.close(), untrusted?.close()]));

  /** A delegated v2 access token's claims from the first allowed tenant; `overrides` win, `undefined` drops. */
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...entraAccessTokenClaims({ tid: TENANT, oid: OID, aud: AUDIENCE }),
    iss: issuer.entraIssuer(TENANT),
    ...overrides,
  });
  const mint = (overrides: Record<string, unknown> = {}, options: MintOptions = {}): string =>
    issuer.mint(claims(overrides), options);

  /** A v1 access token (issuer on the sts host, `ver` 1.0, `appid` instead of `azp`). */
  const v1Token = (): string =>
    issuer.mint({
      ...claims({ ver: '1.0', azp: undefined, azpacr: undefined, appid: TEST_CLIENT_APP_ID, appidacr: '0' }),
      iss: issuer.entraIssuer(TENANT, 'v1'),
    });

  const me = (token: string) => http.get('/v1/me').set('Authorization', `Bearer ${token}`);

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.code).toBe(code);
    expect(res.body.status).toBe(status);
  }

  /** 401 invalid_token whose body and challenge say `description` and nothing else. */
  function expectInvalidToken(res: request.Response, description: string): void {
    expectProblem(res, 401, 'invalid_token');
    expect(res.body.detail).toBe(description);
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="${description}"`);
    // No extension member (reason, claim, kid, ...) that would tell a prober which check failed.
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
  }

  function expectUnauthenticated(res: request.Response): void {
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
  }

  function expectCaller(res: request.Response, tenantId = TENANT, objectId = OID): void {
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId, objectId, status: 'active' });
  }

  describe('an app trusting two Entra tenants, v2 tokens only (the default)', () => {
    useApp({});

    describe('accepted', () => {
      it.each<[string, () => string, string]>([
        ['a valid delegated access token (control)', () => mint(), TENANT],
        [
          'a token from the second allowed tenant',
          () => mint({ tid: SECOND_TENANT, iss: issuer.entraIssuer(SECOND_TENANT) }),
          SECOND_TENANT,
        ],
        [
          'expired, but within the clock skew',
          () => mint({}, { issuedAt: -3600, expiresIn: -(SKEW_SECONDS - 30) }),
          TENANT,
        ],
        ['not yet valid, but within the clock skew', () => mint({}, { notBefore: SKEW_SECONDS - 30 }), TENANT],
        ['issued in the future, but within the clock skew', () => mint({}, { issuedAt: SKEW_SECONDS - 30 }), TENANT],
        ['a token just under the size limit', () => mint({}, { padToLength: MAX_TOKEN_BYTES - 64 }), TENANT],
        ['an RFC 9068 token (typ at+jwt)', () => mint({ scp: undefined }, { header: { typ: 'at+jwt' } }), TENANT],
      ])('%s', async (_case, token, tenantId) => {
        expectCaller(await me(token()), tenantId);
      });

      it('an app-only (client credentials) token with roles and no scp: it is an access token', async () => {
        const appOid = '00000000-0000-4000-8000-0000000a990e';
        const token = issuer.mint({
          ...entraAppTokenClaims({ tid: TENANT, oid: appOid, aud: AUDIENCE, roles: ['Workflows.Run'] }),
          iss: issuer.entraIssuer(TENANT),
        });
        expectCaller(await me(token), TENANT, appOid);
      });

      it('the same token again (served from the verified-token cache)', async () => {
        const token = mint();
        expectCaller(await me(token));
        expectCaller(await me(token));
      });
    });

    describe('rejected as expired', () => {
      it('expired beyond the clock skew: the description says so, so the client refreshes', async () => {
        expectInvalidToken(await me(mint({}, { issuedAt: -3600, expiresIn: -(SKEW_SECONDS + 60) })), EXPIRED);
      });

      it('expired and forged: the signature is checked first, so expiry is not revealed', async () => {
        const forged = tamperPayload(mint({}, { issuedAt: -3600, expiresIn: -3000 }), { oid: 'someone-else' });
        expectInvalidToken(await me(forged), GENERIC);
      });
    });

    describe('rejected with the generic description', () => {
      it.each<[string, () => string]>([
        // Lifetime
        ['not yet valid (nbf beyond the skew)', () => mint({}, { notBefore: SKEW_SECONDS + 600 })],
        ['issued in the future (iat beyond the skew)', () => mint({}, { issuedAt: SKEW_SECONDS + 600 })],
        ['no exp', () => mint({}, { noExp: true })],
        ['no iat', () => mint({ iat: undefined })],
        // Issuer, audience, tenant
        [
          'wrong issuer: an untrusted issuer with an Entra-shaped iss',
          () => untrusted.mint(claims({ iss: untrusted.entraIssuer(TENANT) })),
        ],
        ['no iss', () => mint({ iss: undefined })],
        ['wrong audience', () => mint({ aud: 'api://someone-else' })],
        ['audience of the client app, not the API', () => mint({ aud: TEST_CLIENT_APP_ID })],
        [
          'tenant not in the allowlist (Entra-shaped iss, signed with the shared Entra keys)',
          () => mint({ tid: FOREIGN_TENANT, iss: issuer.entraIssuer(FOREIGN_TENANT) }),
        ],
        ['multi-tenant placeholder issuer', () => mint({ iss: issuer.entraIssuer('common') })],
        ['tid of another allowed tenant than the one in iss', () => mint({ tid: SECOND_TENANT })],
        ['tid of a foreign tenant under an allowed iss', () => mint({ tid: FOREIGN_TENANT })],
        ['no tid under an Entra iss', () => mint({ tid: undefined })],
        // Algorithm and key
        ['alg none (empty signature)', () => mint({}, { alg: 'none' })],
        ['HS256 keyed with the issuer public key (key confusion)', () => mint({}, { alg: 'HS256' })],
        ['RS384 (correctly signed, but only RS256 is allowed)', () => mint({}, { alg: 'RS384' })],
        ['PS256 (correctly signed, but only RS256 is allowed)', () => mint({}, { alg: 'PS256' })],
        ['unknown kid', () => mint({}, { kid: 'no-such-key' })],
        ['unpublished key claiming the current kid', () => mint({}, { key: 'unpublished' })],
        [
          "another issuer's key claiming the trusted issuer's kid",
          () => untrusted.mint(claims(), { kid: issuer.currentKid }),
        ],
        // Integrity
        ['tampered payload (oid changed, signature kept)', () => tamperPayload(mint(), { oid: 'someone-else' })],
        ['tampered payload (exp removed, signature kept)', () => tamperPayload(mint(), { exp: undefined })],
        ['tampered signature (one bit flipped)', () => tamperSignature(mint())],
        ['signature stripped', () => `${mint().split('.').slice(0, 2).join('.')}.`],
        // Token type
        [
          'ID token presented as an access token (aud = the API, nonce/at_hash, no scp)',
          () =>
            issuer.mint({
              ...entraIdTokenClaims({ tid: TENANT, oid: OID, aud: AUDIENCE }),
              iss: issuer.entraIssuer(TENANT),
            }),
        ],
        ['neither scp nor roles', () => mint({ scp: undefined })],
        ['scp but also a nonce', () => mint({ nonce: 'n-0S6_WzA2Mj' })],
        // Size and shape
        ['oversized (over AUTH_MAX_TOKEN_BYTES, validly signed)', () => mint({}, { padToLength: MAX_TOKEN_BYTES + 1 })],
        ['malformed: one part', () => 'not-a-jwt'],
        ['malformed: two parts', () => mint().split('.').slice(0, 2).join('.')],
        ['malformed: four parts', () => `${mint()}.${encode('extra')}`],
        ['malformed: header not JSON', () => `${encode('not json')}.${mint().split('.').slice(1).join('.')}`],
        [
          'malformed: header JSON but not an object',
          () => `${encode('"RS256"')}.${mint().split('.').slice(1).join('.')}`,
        ],
        [
          'malformed: payload not JSON',
          () => {
            const [header, , signature] = mint().split('.');
            return `${header}.${encode('{"iss":')}.${signature}`;
          },
        ],
        // Key-carrying and critical headers (validly signed by the current key: only the header check stops them)
        ['jwk header', () => mint({}, { header: { jwk: issuer.unpublishedJwk } })],
        ['jku header', () => mint({}, { header: { jku: `${untrusted.authorityHost}/discovery/keys` } })],
        ['x5u header', () => mint({}, { header: { x5u: `${untrusted.authorityHost}/cert.pem` } })],
        ['x5c header', () => mint({}, { header: { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] } })],
        ['crit header', () => mint({}, { header: { crit: ['x-flowgate'], 'x-flowgate': true } })],
      ])('%s', async (_case, token) => {
        expectInvalidToken(await me(token()), GENERIC);
      });

      it('an ID token forged onto an attacker key with an embedded jwk', async () => {
        const token = issuer.mint(
          { ...entraIdTokenClaims({ tid: TENANT, oid: OID, aud: AUDIENCE }), iss: issuer.entraIssuer(TENANT) },
          { key: 'unpublished', kid: issuer.unpublishedJwk.kid, header: { jwk: issuer.unpublishedJwk } },
        );
        expectInvalidToken(await me(token), GENERIC);
      });
    });

    describe('no usable credential: 401 unauthenticated with a bare Bearer challenge', () => {
      it.each<[string, (req: request.Test) => request.Test]>([
        ['no Authorization header', (req) => req],
        ['the Basic scheme', (req) => req.set('Authorization', 'Basic dXNlcjpwYXNzd29yZA==')],
        ['Bearer without a token', (req) => req.set('Authorization', 'Bearer ')],
        ['DPoP scheme carrying a valid token', (req) => req.set('Authorization', `DPoP ${mint()}`)],
        ['a valid token in a cookie', (req) => req.set('Cookie', `access_token=${mint()}`)],
      ])('%s', async (_case, send) => {
        expectUnauthenticated(await send(http.get('/v1/me')));
      });

      it('a valid token in the query string (?access_token=) is not accepted', async () => {
        const res = await http.get('/v1/me').query({ access_token: mint() });
        expectUnauthenticated(res);
        // Nor echoed back: the problem's instance is the path alone.
        expect(res.body.instance).toBe('/v1/me');
      });
    });

    it('rejects an Entra v1 token', async () => {
      expectInvalidToken(await me(v1Token()), GENERIC);
    });
  });

  describe('an app that also accepts Entra v1 tokens (AUTH_ENTRA_ACCEPT_V1_TOKENS=true)', () => {
    useApp({ AUTH_ENTRA_ACCEPT_V1_TOKENS: 'true' });

    it('accepts a v1 token', async () => {
      expectCaller(await me(v1Token()));
    });

    it('still requires the tid of the tenant in the v1 issuer', async () => {
      const token = issuer.mint({
        ...claims({ ver: '1.0', tid: SECOND_TENANT }),
        iss: issuer.entraIssuer(TENANT, 'v1'),
      });
      expectInvalidToken(await me(token), GENERIC);
    });

    it('still accepts v2 tokens', async () => {
      expectCaller(await me(mint()));
    });
  });
});
