import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { entraAccessTokenClaims, TEST_CLIENT_APP_ID, TestApp, TestIssuer } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Identity is scoped to the issuer that verified the token (docs/auth.md, "Directory"): an Entra
 * tenant's users are (tenant, oid), taken only from that tenant's issuer; a plain OIDC issuer's
 * users are (issuer, sub), whatever `tid`/`oid` claims its tokens carry. Both kinds are trusted
 * at once here, sharing claim values, so that any leak from one source into the other shows.
 * Every user has random ids: the database is shared by the whole run.
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUDIENCE = 'api://flowgate-identity-test';
const PROBLEM_MEMBERS = ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'];

interface Me {
  readonly id: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly effectiveRoles: string[];
  readonly roleSources: { role: string; source: string }[];
}

describe('Identity sources: Entra tenant and plain OIDC issuers trusted together', () => {
  let entra: TestIssuer;
  /** Issuer `<host>/s`; the same server also answers as `<host>/s:t/`, the second OIDC issuer. */
  let oidc: TestIssuer;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    [entra, oidc] = await Promise.all([TestIssuer.start(), TestIssuer.start({ path: '/s' })]);
    testApp = await createTestApp({
      probes: true,
      env: {
        AUTH_ENTRA_AUTHORITY_HOST: entra.authorityHost,
        AUTH_ENTRA_V1_ISSUER_HOST: entra.authorityHost,
        // Upper case on purpose: the loader canonicalises it, or Entra's lower-case `iss` would not match.
        AUTH_ENTRA_TENANT_IDS: TENANT.toUpperCase(),
        AUTH_ENTRA_ACCEPT_V1_TOKENS: 'true',
        AUTH_OIDC_ISSUERS: `${oidc.issuer},${secondOidcIssuer()}`,
        AUTH_AUDIENCES: AUDIENCE,
        AUTH_ROLE_MAPPING: '',
        AUTH_DEV_IDENTITY_PROVIDER: 'false',
      },
    });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(async () => {
    await testApp?.close();
    await Promise.all([entra?.close(), oidc?.close()]);
  });

  /** `<host>/s:t/`: joined with ':' to a sub, it reads like `<host>/s` joined to another sub. */
  const secondOidcIssuer = () => oidc.entraIssuer('s:t', 'v1');

  /** A delegated Entra access token (v2 unless told), step-up satisfied; `extra` wins, `undefined` drops. */
  const entraToken = (oid: string, extra: Record<string, unknown> = {}, version: 'v1' | 'v2' = 'v2'): string =>
    entra.mint({
      ...entraAccessTokenClaims({ tid: TENANT, oid, aud: AUDIENCE, acrs: ['c1'], name: 'Entra User' }),
      ...(version === 'v1' ? { ver: '1.0', azp: undefined, appid: TEST_CLIENT_APP_ID } : {}),
      iss: entra.entraIssuer(TENANT, version),
      ...extra,
    });

  /** An access token of a plain OIDC issuer (the first unless `iss` says otherwise), step-up satisfied. */
  const oidcToken = (sub: unknown, extra: Record<string, unknown> = {}): string =>
    oidc.mint({
      aud: AUDIENCE,
      sub,
      scp: 'access_as_user',
      acrs: ['c1'],
      name: 'OIDC User',
      email: 'oidc-user@idp.example.com',
      ...extra,
    });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function me(token: string): Promise<Me> {
    const res = await http.get('/v1/me').set(bearer(token));
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 200, body: expect.anything() });
    return res.body as Me;
  }

  function expectInvalidToken(res: request.Response): void {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 401, code: 'invalid_token' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is not valid."',
    );
    // Nothing says which check failed.
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
  }

  const meStatus = (token: string) => http.get('/v1/me').set(bearer(token));
  const grant = (actorToken: string, userId: string, role: string) =>
    http.put(`/v1/users/${userId}/role-grants/${role}`).set(bearer(actorToken));

  describe('a token never resolves to a user of another source', () => {
    let adminToken: string;
    let bobOid: string;
    let bob: Me;
    let carol: Me;

    beforeAll(async () => {
      adminToken = entraToken(randomUUID(), { roles: ['admin'], name: `admin-${suffix}` });
      await me(adminToken);
      bobOid = randomUUID();
      bob = await me(entraToken(bobOid, { name: `bob-${suffix}` }));
      carol = await me(entraToken(randomUUID(), { name: `carol-${suffix}` }));
      expect((await grant(adminToken, bob.id, 'admin')).status).toBe(200);
    });

    it('bob himself holds his granted admin role and may grant (the control)', async () => {
      const bobToken = entraToken(bobOid);
      const asBob = await me(bobToken);
      expect(asBob).toMatchObject({ id: bob.id, tenantId: TENANT, objectId: bobOid });
      expect(asBob.roleSources).toContainEqual({ role: 'admin', source: 'grant' });
      expect((await grant(bobToken, carol.id, 'viewer')).status).toBe(200);
    });

    it.each<[string, (sub: string) => Record<string, unknown>]>([
      ["an OIDC token carrying bob's tid and oid", () => ({ tid: TENANT, oid: bobOid })],
      ["an OIDC token whose sub is bob's oid", () => ({ sub: bobOid })],
      ["an OIDC token with bob's tid, oid and sub", () => ({ tid: TENANT, oid: bobOid, sub: bobOid })],
      ["an OIDC token with bob's oid in upper case", () => ({ tid: TENANT.toUpperCase(), oid: bobOid.toUpperCase() })],
      ["the second OIDC issuer with bob's tid and oid", () => ({ tid: TENANT, oid: bobOid, iss: secondOidcIssuer() })],
    ])('%s is another user, without bob’s grants, and cannot act as an admin', async (_case, claims) => {
      const sub = `impostor-${randomUUID()}`;
      const overrides = claims(sub);
      const token = oidcToken(sub, { name: `bob-${suffix}`, ...overrides });

      const impostor = await me(token);
      expect(impostor.id).not.toBe(bob.id);
      expect(impostor.tenantId).toBe(overrides.iss ?? oidc.issuer);
      expect(impostor.objectId).toBe(overrides.sub ?? sub);
      expect(impostor.roleSources).toEqual([]);
      expect(impostor.effectiveRoles).toEqual([]);

      const refused = await grant(token, carol.id, 'approver');
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'insufficient_role' });
      const target = await http.get(`/v1/users/${carol.id}`).set(bearer(adminToken));
      expect(target.body.grantedRoles).not.toContain('approver');
    });

    it('an OIDC token with tid and oid but no sub is refused: oid never stands in for sub', async () => {
      expectInvalidToken(await meStatus(oidcToken(undefined, { tid: TENANT, oid: bobOid })));
    });

    it('the reverse: an Entra token whose oid equals an OIDC user’s sub is another user', async () => {
      const sharedId = randomUUID();
      const oidcUser = await me(oidcToken(sharedId, { name: `dave-${suffix}` }));
      expect((await grant(adminToken, oidcUser.id, 'approver')).status).toBe(200);
      expect((await me(oidcToken(sharedId))).roleSources).toContainEqual({ role: 'approver', source: 'grant' });

      const entraUser = await me(entraToken(sharedId, { name: `dave-${suffix}` }));
      expect(entraUser).toMatchObject({ tenantId: TENANT, objectId: sharedId });
      expect(entraUser.id).not.toBe(oidcUser.id);
      expect(entraUser.effectiveRoles).toEqual([]);
    });
  });

  describe('one spelling per user', () => {
    it('an Entra oid and tid in upper case, and a v1 token, are the same user as the lower-case v2 one', async () => {
      const oid = randomUUID();
      const lower = await me(entraToken(oid));
      const upper = await me(entraToken(oid, { oid: oid.toUpperCase(), tid: TENANT.toUpperCase() }));
      const v1 = await me(entraToken(oid.toUpperCase(), {}, 'v1'));

      expect(lower).toMatchObject({ tenantId: TENANT, objectId: oid });
      expect(upper).toMatchObject({ id: lower.id, tenantId: TENANT, objectId: oid });
      expect(v1).toMatchObject({ id: lower.id, tenantId: TENANT, objectId: oid });
    });

    it('an OIDC sub is opaque and case-sensitive, as OpenID Connect defines it: kept exactly as sent', async () => {
      const sub = `Kim-${randomUUID()}`;
      const kim = await me(oidcToken(sub));
      expect(kim.objectId).toBe(sub);
      expect((await me(oidcToken(sub))).id).toBe(kim.id);
      expect((await me(oidcToken(sub.toLowerCase()))).id).not.toBe(kim.id);
    });

    it.each<[string, (oid: string) => Record<string, unknown>]>([
      ['an oid with a NUL', (oid) => ({ oid: `${oid}\u0000` })],
      ['an oid that is only a NUL', () => ({ oid: '\u0000' })],
      ['an oid with a C0 control', (oid) => ({ oid: `${oid}\u0007` })],
      ['an oid with a C1 control', (oid) => ({ oid: `\u0085${oid}` })],
      ['an oid padded with spaces', (oid) => ({ oid: ` ${oid} ` })],
      ['an oid with a trailing newline', (oid) => ({ oid: `${oid}\n` })],
      ['an oid in braces', (oid) => ({ oid: `{${oid}}` })],
      ['an oid that is not a UUID', () => ({ oid: 'bob' })],
      ['no oid (sub only)', () => ({ oid: undefined })],
      ['a padded tid', () => ({ tid: ` ${TENANT}` })],
      ['a tid with a NUL', () => ({ tid: `${TENANT}\u0000` })],
    ])('an Entra token is refused with %s', async (_case, claims) => {
      expectInvalidToken(await meStatus(entraToken(randomUUID(), claims(randomUUID()))));
    });

    it.each<[string, string]>([
      ['a NUL', 'kim\u0000'],
      ['a NUL alone', '\u0000'],
      ['a C0 control', 'ki\u0007m'],
      ['DEL', 'kim\u007f'],
      ['a C1 control', 'ki\u009bm'],
      ['a leading space', ' kim'],
      ['a trailing space', 'kim '],
      ['a trailing newline', 'kim\n'],
      ['a lone surrogate', 'kim\ud83d'],
      ['256 characters', 'k'.repeat(256)],
      ['nothing', ''],
    ])('an OIDC sub with %s is refused', async (_case, sub) => {
      expectInvalidToken(await meStatus(oidcToken(sub)));
    });
  });

  describe('display claims are cleaned, never a 500', () => {
    let adminToken: string;

    beforeAll(async () => {
      adminToken = entraToken(randomUUID(), { roles: ['admin'] });
      await me(adminToken);
    });

    /** What /v1/me says, and what was stored (read back through the admin API). */
    async function seenAndStored(token: string): Promise<[Me, Record<string, unknown>]> {
      const seen = await me(token);
      const stored = await http.get(`/v1/users/${seen.id}`).set(bearer(adminToken));
      expect(stored.status).toBe(200);
      return [seen, stored.body as Record<string, unknown>];
    }

    it.each<[string, Record<string, unknown>, string | null, string | null]>([
      ['NUL in name and email', { name: 'Ev\u0000e', email: 'eve\u0000@contoso.test' }, 'Eve', 'eve@contoso.test'],
      [
        'C0, DEL and C1 controls, and padding',
        { name: ' \u0007Eve\u007f Adams\u0085\n', email: '\teve@contoso.test\u009f ' },
        'Eve Adams',
        'eve@contoso.test',
      ],
      ['a lone surrogate', { name: 'Eve \ud83d', email: 'eve@contoso.test' }, 'Eve \ufffd', 'eve@contoso.test'],
      [
        'only control characters: nothing to show, and the next address claim is used',
        { name: '\u0000\u0001', email: '\u0000', preferred_username: 'eve.p@contoso.test' },
        null,
        'eve.p@contoso.test',
      ],
      ['an over-long name', { name: 'E'.repeat(5000) }, 'E'.repeat(256), null],
    ])('an Entra token with %s', async (_case, claims, displayName, email) => {
      const token = entraToken(randomUUID(), {
        preferred_username: undefined,
        email: undefined,
        ...claims,
      });
      const [seen, stored] = await seenAndStored(token);
      expect({ displayName: seen.displayName, email: seen.email }).toEqual({ displayName, email });
      expect({ displayName: stored.displayName, email: stored.email }).toEqual({ displayName, email });
    });

    it('an OIDC token with NUL in name and email', async () => {
      const [seen, stored] = await seenAndStored(
        oidcToken(`nul-${randomUUID()}`, { name: '\u0000Kim\u0000', email: 'kim@idp.example.com\u0000' }),
      );
      expect(seen).toMatchObject({ displayName: 'Kim', email: 'kim@idp.example.com' });
      expect(stored).toMatchObject({ displayName: 'Kim', email: 'kim@idp.example.com' });
    });

    it('a user whose claims carry a NUL keeps working on every request (cached or not)', async () => {
      const token = entraToken(randomUUID(), { name: 'Ni\u0000na' });
      for (let i = 0; i < 3; i += 1) expect((await me(token)).displayName).toBe('Nina');
    });
  });

  describe('step-up (AUTH_STEP_UP_ACRS c1) read from the standard acr claim (RFC 9470)', () => {
    let target: Me;

    beforeAll(async () => {
      target = await me(entraToken(randomUUID(), { name: `step-up-target-${suffix}` }));
    });

    /** An admin of the OIDC issuer with no `acrs` and no `amr`: `acr` alone decides. */
    const oidcAdmin = (acr: unknown) =>
      oidcToken(`step-up-${randomUUID()}`, { roles: ['admin'], acrs: undefined, acr, auth_time: undefined });

    it('an OIDC token whose acr is c1 may take a step-up route', async () => {
      const res = await grant(oidcAdmin('c1'), target.id, 'viewer');
      expect(res.status).toBe(200);
    });

    it.each<[string, unknown]>([
      ['another auth context', 'c2'],
      ['c1 among others in one string', 'c1 c2'],
      ['c1 as an array', ['c1']],
    ])('an OIDC token whose acr is %s gets the RFC 9470 challenge', async (_case, acr) => {
      const res = await grant(oidcAdmin(acr), target.id, 'viewer');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'step_up_required' });
      expect(res.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
      expect(res.headers['www-authenticate']).toContain('acr_values="c1"');
    });

    it('an Entra v1 token’s acr is not an auth context, even when it reads c1', async () => {
      const token = entraToken(randomUUID(), { roles: ['admin'], acrs: undefined, acr: 'c1', amr: ['pwd'] }, 'v1');
      const res = await grant(token, target.id, 'viewer');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'step_up_required' });
    });
  });

  describe('two issuers whose (issuer, sub) pairs read the same when joined with ":"', () => {
    // <host>/s + "t/:u" and <host>/s:t/ + "u" are both "<host>/s:t/:u".
    const firstSub = 't/:u';
    const secondSub = 'u';
    const sameDisplay = { name: 'Same Person', email: 'same@idp.example.com' };

    it('are two users, each served their own directory entry', async () => {
      const first = await me(oidcToken(firstSub, sameDisplay));
      const second = await me(oidcToken(secondSub, { ...sameDisplay, iss: secondOidcIssuer() }));

      expect(`${oidc.issuer}:${firstSub}`).toBe(`${secondOidcIssuer()}:${secondSub}`);
      expect(first).toMatchObject({ tenantId: oidc.issuer, objectId: firstSub });
      expect(second).toMatchObject({ tenantId: secondOidcIssuer(), objectId: secondSub });
      expect(second.id).not.toBe(first.id);
      expect((await me(oidcToken(firstSub, sameDisplay))).id).toBe(first.id);
    });

    it('never replay one another’s idempotent requests', async () => {
      const key = `identity-${randomUUID()}`;
      const post = (token: string) =>
        http.post('/v1/probes/notes').set(bearer(token)).set('Idempotency-Key', key).send({ text: 'same request' });

      const first = await post(oidcToken(firstSub, sameDisplay));
      const second = await post(oidcToken(secondSub, { ...sameDisplay, iss: secondOidcIssuer() }));

      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.body.id).not.toBe(first.body.id);
    });
  });
});
