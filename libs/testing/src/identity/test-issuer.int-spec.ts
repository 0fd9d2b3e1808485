import { createHmac, generateKeyPairSync } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  JSONWebKeySet,
  JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { entraAccessTokenClaims, entraAppTokenClaims, entraIdTokenClaims, TEST_CLIENT_APP_ID } from './entra-claims';
import { tamperHeader, tamperPayload, tamperSignature } from './forged-tokens';
import { MintOptions, TestIssuer } from './test-issuer';

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-4000-8000-0000000000a1';
const API = 'api://flowgate';

interface Discovery {
  issuer: string;
  jwks_uri: string;
}

const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;
const discover = (url: string) => getJson<Discovery>(url);
const kidsAt = async (url: string) => (await getJson<JSONWebKeySet>(url)).keys.map((key) => key.kid);

describe('TestIssuer', () => {
  // RSA key generation takes up to a second here: the groups that only read share one issuer,
  // the groups that rotate keys or go offline start their own.
  let shared: TestIssuer;
  let issuer: TestIssuer;
  let keys: JWTVerifyGetKey;

  beforeAll(async () => {
    shared = await TestIssuer.start();
  });

  afterAll(() => shared.close());

  beforeEach(() => {
    issuer = shared;
    issuer.resetRequestCounts();
    keys = createRemoteJWKSet(new URL(issuer.jwksUri));
  });

  const ownIssuer = () => {
    beforeEach(async () => {
      issuer = await TestIssuer.start();
      keys = createRemoteJWKSet(new URL(issuer.jwksUri));
    });
    afterEach(() => issuer.close());
  };

  const verify = (token: string, jwks = keys) => jwtVerify(token, jwks, { issuer: issuer.issuer, audience: API });

  describe('over HTTP', () => {
    it('serves discovery pointing at a JWKS of public RS256 signing keys', async () => {
      const discovery = await discover(issuer.discoveryUrl);
      expect(discovery).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });

      const jwks = await getJson<JSONWebKeySet>(discovery.jwks_uri);
      expect(jwks.keys).toEqual([expect.objectContaining({ kid: issuer.currentKid, alg: 'RS256', use: 'sig' })]);
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(jwks.keys[0]).not.toHaveProperty(privateMember);
      expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
    });

    it('answers 404 outside the issuer paths', async () => {
      expect((await fetch(`${issuer.authorityHost}/a/b/c/.well-known/openid-configuration`)).status).toBe(404);
      expect((await fetch(`${issuer.authorityHost}/nothing`)).status).toBe(404);
    });

    it('puts the issuer under the given path', async () => {
      const tenant = await TestIssuer.start({ path: `/${TID}/v2.0` });
      try {
        expect(tenant.issuer).toBe(`${tenant.authorityHost}/${TID}/v2.0`);
        const discovery = await discover(tenant.discoveryUrl);
        expect(discovery).toMatchObject({ issuer: tenant.issuer, jwks_uri: tenant.jwksUri });
        expect((await fetch(tenant.jwksUri)).status).toBe(200);
      } finally {
        await tenant.close();
      }
    });

    it.each([
      ['v2', TID, (host: string) => `${host}/${TID}/v2.0`, (host: string) => `${host}/${TID}/discovery/v2.0/keys`],
      ['v1', TID, (host: string) => `${host}/${TID}/`, (host: string) => `${host}/${TID}/discovery/keys`],
      [
        'v2',
        'common',
        (host: string) => `${host}/{tenantid}/v2.0`,
        (host: string) => `${host}/common/discovery/v2.0/keys`,
      ],
    ] as const)('answers Entra %s discovery for tenant %s', async (version, tid, expectedIssuer, expectedJwks) => {
      const discovery = await discover(issuer.entraDiscoveryUrl(tid, version));
      expect(discovery.issuer).toBe(expectedIssuer(issuer.authorityHost));
      expect(discovery.issuer).toBe(issuer.entraIssuer(tid, version));
      expect(discovery.jwks_uri).toBe(expectedJwks(issuer.authorityHost));
      expect(await kidsAt(discovery.jwks_uri)).toEqual([issuer.currentKid]);
    });

    it('applies discovery overrides until reset', async () => {
      issuer.setDiscoveryOverrides({ issuer: 'https://evil.example' });
      expect((await discover(issuer.discoveryUrl)).issuer).toBe('https://evil.example');
      issuer.setDiscoveryOverrides();
      expect((await discover(issuer.discoveryUrl)).issuer).toBe(issuer.issuer);
    });
  });

  describe('mint', () => {
    it('signs an RS256 JWT that jose verifies against the remote JWKS', async () => {
      const before = Math.floor(Date.now() / 1000);
      const token = issuer.mint({ aud: API, sub: 'u1' });

      const { payload, protectedHeader } = await verify(token);
      expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: issuer.currentKid });
      expect(payload).toMatchObject({ iss: issuer.issuer, aud: API, sub: 'u1' });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.exp).toBe(payload.iat! + 3600);
      expect(payload).not.toHaveProperty('nbf');
    });

    it('mints Entra-shaped tokens that verify through the tenant discovery', async () => {
      const discovery = await discover(issuer.entraDiscoveryUrl(TID));
      const token = issuer.mint({ ...entraAccessTokenClaims({ tid: TID, oid: OID, aud: API }), iss: discovery.issuer });
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
        issuer: `${issuer.authorityHost}/${TID}/v2.0`,
        audience: API,
      });
      expect(payload).toMatchObject({ tid: TID, oid: OID, ver: '2.0', scp: 'access_as_user' });
    });

    it('lets claims override and drop the defaults', () => {
      const payload = decodeJwt(issuer.mint({ iss: 'https://other', iat: undefined, exp: 42 }));
      expect(payload).toEqual({ iss: 'https://other', exp: 42 });
    });

    it.each([
      ['expired', { expiresIn: -60 }, errors.JWTExpired],
      ['not yet valid', { notBefore: 600 }, errors.JWTClaimValidationFailed],
    ])('makes %s tokens that jose rejects', async (_case, options, error) => {
      await expect(verify(issuer.mint({ aud: API }, options))).rejects.toBeInstanceOf(error);
    });

    it('omits exp on request and offsets iat', () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = decodeJwt(issuer.mint({}, { noExp: true, issuedAt: -300 }));
      expect(payload).not.toHaveProperty('exp');
      expect(payload.iat).toBeLessThanOrEqual(now - 299);
    });

    it.each(['RS384', 'RS512', 'PS256', 'PS512'])('signs %s correctly for alg-substitution tests', async (alg) => {
      const token = issuer.mint({ aud: API }, { alg });
      const key = await importJWK({ ...issuer.jwks.keys[0], alg: undefined }, alg);
      await expect(jwtVerify(token, key)).resolves.toBeDefined();
      // The published key is pinned to RS256, so a JWKS-based verifier finds no key for it.
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    });

    it('drops the kid header on request', async () => {
      const token = issuer.mint({ aud: API }, { header: { kid: undefined } });
      expect(decodeProtectedHeader(token)).not.toHaveProperty('kid');
      // With a single published key jose needs no kid; with several it would refuse to guess.
      await expect(verify(token)).resolves.toBeDefined();
    });

    it('signs with a caller-supplied key', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = issuer.mint({ aud: API }, { key: privateKey });
      await expect(jwtVerify(token, publicKey)).resolves.toBeDefined();
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });
  });

  describe('key rotation', () => {
    ownIssuer();

    it('switches the signing kid and drops the old key from the JWKS', async () => {
      const oldKid = issuer.currentKid;
      const oldToken = issuer.mint({ aud: API });

      const newKid = await issuer.rotateKeys();

      expect(newKid).not.toBe(oldKid);
      expect(issuer.currentKid).toBe(newKid);
      expect(decodeProtectedHeader(issuer.mint({})).kid).toBe(newKid);
      expect(await kidsAt(issuer.jwksUri)).toEqual([newKid]);
      await expect(verify(oldToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      await expect(verify(issuer.mint({ aud: API }))).resolves.toBeDefined();
    });

    it('keeps the old key published when asked', async () => {
      const oldKid = issuer.currentKid;
      const oldToken = issuer.mint({ aud: API });

      const newKid = await issuer.rotateKeys({ keepOld: true });

      expect(issuer.publishedKids).toEqual([newKid, oldKid]);
      await expect(verify(oldToken)).resolves.toBeDefined();
    });

    it('still mints with a rotated-out key named by kid', async () => {
      const [oldJwk] = issuer.jwks.keys;
      await issuer.rotateKeys();
      const token = issuer.mint({ aud: API }, { kid: oldJwk.kid });
      expect(decodeProtectedHeader(token).kid).toBe(oldJwk.kid);
      await expect(jwtVerify(token, await importJWK(oldJwk))).resolves.toBeDefined();
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    });
  });

  describe('offline', () => {
    ownIssuer();

    it('answers 503 and counts the attempts, then recovers', async () => {
      issuer.goOffline();
      expect((await fetch(issuer.discoveryUrl)).status).toBe(503);
      await expect(verify(issuer.mint({ aud: API }))).rejects.toBeInstanceOf(errors.JOSEError);
      expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });

      issuer.goOnline();
      await expect(verify(issuer.mint({ aud: API }))).resolves.toBeDefined();
      expect(issuer.requests.jwks).toBe(2);
    });

    it('resets connections in reset mode', async () => {
      issuer.goOffline('reset');
      await expect(fetch(issuer.jwksUri)).rejects.toThrow();
      expect(issuer.requests.jwks).toBe(1);
    });

    it('never answers in hang mode, so client timeouts fire', async () => {
      issuer.goOffline('hang');
      const slow = createRemoteJWKSet(new URL(issuer.jwksUri), { timeoutDuration: 200 });
      await expect(verify(issuer.mint({ aud: API }), slow)).rejects.toBeInstanceOf(errors.JWKSTimeout);
    });

    it('counts JWKS fetches under a flood of unknown kids', async () => {
      const flood = (jwks: JWTVerifyGetKey) =>
        Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => verify(issuer.mint({ aud: API }, { kid: `unknown-${i}` }), jwks)),
        );

      await flood(keys);
      // jose refetches at most once per 30 s cooldown: the first miss loads, the rest wait.
      expect(issuer.requests.jwks).toBe(1);

      issuer.resetRequestCounts();
      await flood(createRemoteJWKSet(new URL(issuer.jwksUri), { cooldownDuration: 0 }));
      expect(issuer.requests.jwks).toBeGreaterThan(1);
    });
  });

  describe('attack tokens', () => {
    const claims = { aud: API, sub: 'attacker', roles: ['admin'] };

    it('alg none: unsigned, empty signature segment', async () => {
      const token = issuer.mint(claims, { alg: 'none' });
      expect(decodeProtectedHeader(token).alg).toBe('none');
      expect(token.endsWith('.')).toBe(true);
      expect(token.split('.')).toHaveLength(3);
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JOSEError);
    });

    it('HS256 keyed with the public key PEM: what a confused verifier would accept', async () => {
      const token = issuer.mint(claims, { alg: 'HS256' });
      const [header, payload, signature] = token.split('.');
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: issuer.currentKid });
      const pem = issuer.publicKeyPem();
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
      await expect(jwtVerify(token, new TextEncoder().encode(pem))).resolves.toBeDefined();
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JOSEError);
    });

    it('unpublished key claiming the current kid: a real signature by the wrong key', async () => {
      const token = issuer.mint(claims, { key: 'unpublished' });
      expect(decodeProtectedHeader(token).kid).toBe(issuer.currentKid);
      expect(issuer.publishedKids).not.toContain(issuer.unpublishedJwk.kid);
      await expect(jwtVerify(token, await importJWK(issuer.unpublishedJwk))).resolves.toBeDefined();
      await expect(verify(token)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it.each<[string, (issuer: TestIssuer) => MintOptions, typeof errors.JOSEError]>([
      ['unknown kid', () => ({ kid: 'no-such-key' }), errors.JWKSNoMatchingKey],
      [
        'embedded jwk',
        (attacked) => ({ key: 'unpublished', header: { jwk: attacked.unpublishedJwk } }),
        errors.JWSSignatureVerificationFailed,
      ],
      [
        'jku',
        () => ({ key: 'unpublished', header: { jku: 'http://127.0.0.1:9/keys' } }),
        errors.JWSSignatureVerificationFailed,
      ],
      [
        'x5u',
        () => ({ key: 'unpublished', header: { x5u: 'http://127.0.0.1:9/c.pem' } }),
        errors.JWSSignatureVerificationFailed,
      ],
      ['unknown crit', () => ({ header: { crit: ['x-flowgate'], 'x-flowgate': true } }), errors.JOSENotSupported],
    ])('%s: header sent verbatim, rejected', async (_case, options, error) => {
      const mintOptions = options(issuer);
      const token = issuer.mint(claims, mintOptions);
      const protectedHeader = decodeProtectedHeader(token);
      if (mintOptions.kid) expect(protectedHeader.kid).toBe(mintOptions.kid);
      for (const [member, value] of Object.entries(mintOptions.header ?? {})) {
        if (value === undefined) expect(protectedHeader).not.toHaveProperty(member);
        else expect(protectedHeader[member]).toEqual(value);
      }
      await expect(verify(token)).rejects.toBeInstanceOf(error);
    });

    it('tampered payload keeps the old signature', async () => {
      const token = issuer.mint({ aud: API, roles: ['viewer'] });
      const forged = tamperPayload(token, { roles: ['admin'], exp: undefined });
      expect(decodeJwt(forged).roles).toEqual(['admin']);
      expect(decodeJwt(forged)).not.toHaveProperty('exp');
      expect(forged.split('.')[2]).toBe(token.split('.')[2]);
      await expect(verify(forged)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it('tampered header keeps the old signature', async () => {
      const forged = tamperHeader(issuer.mint({ aud: API }), { alg: 'RS512' });
      expect(decodeProtectedHeader(forged).alg).toBe('RS512');
      await expect(verify(forged)).rejects.toBeInstanceOf(errors.JOSEError);
    });

    it('tampered signature has the same length but fails', async () => {
      const token = issuer.mint({ aud: API });
      const forged = tamperSignature(token);
      expect(forged).not.toBe(token);
      expect(forged).toHaveLength(token.length);
      await expect(verify(forged)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it('oversized token is validly signed, so only a size limit can stop it', async () => {
      const token = issuer.mint({ aud: API }, { padToLength: 64 * 1024 });
      expect(token.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(token.length).toBeLessThan(64 * 1024 + 64);
      await expect(verify(token)).resolves.toBeDefined();
    });
  });
});

describe('Entra claim sets', () => {
  it('builds a delegated v2 access token', () => {
    const claims = entraAccessTokenClaims({
      tid: TID,
      oid: OID,
      aud: API,
      roles: ['approver'],
      email: 'a@contoso.test',
    });
    expect(claims).toMatchObject({
      aud: API,
      ver: '2.0',
      tid: TID,
      oid: OID,
      azp: TEST_CLIENT_APP_ID,
      scp: 'access_as_user',
      roles: ['approver'],
      preferred_username: 'a@contoso.test',
      name: 'Test User',
    });
    expect(claims.sub).not.toBe(OID);
    for (const opaque of ['aio', 'rh', 'uti']) expect(typeof claims[opaque]).toBe('string');
    expect(claims).not.toHaveProperty('groups');
    expect(claims).not.toHaveProperty('nonce');
  });

  it('passes through the optional claims', () => {
    const claims = entraAccessTokenClaims({
      tid: TID,
      oid: OID,
      aud: API,
      acrs: ['c1'],
      amr: ['pwd', 'mfa'],
      authTime: 1_700_000_000,
      xmsCc: ['cp1'],
      scp: 'Workflows.Read',
    });
    expect(claims).toMatchObject({ acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: 1_700_000_000, xms_cc: ['cp1'] });
    expect(claims.scp).toBe('Workflows.Read');
  });

  it('builds an ID token that is not an access token', () => {
    const claims = entraIdTokenClaims({ tid: TID, oid: OID, aud: TEST_CLIENT_APP_ID, nonce: 'n-1' });
    expect(claims).toMatchObject({ aud: TEST_CLIENT_APP_ID, ver: '2.0', nonce: 'n-1', tid: TID, oid: OID });
    expect(typeof claims.at_hash).toBe('string');
    expect(typeof claims.sid).toBe('string');
    expect(claims).not.toHaveProperty('scp');
    expect(claims).not.toHaveProperty('azp');
  });

  it('builds an app-only token', () => {
    const claims = entraAppTokenClaims({ tid: TID, oid: OID, aud: API, roles: ['Workflows.Run'] });
    expect(claims).toMatchObject({ sub: OID, idtyp: 'app', roles: ['Workflows.Run'] });
    expect(claims).not.toHaveProperty('scp');
  });
});
