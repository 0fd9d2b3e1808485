import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Negative tests for the admin privilege rules (docs/auth.md "Admin rules"): grant only what you
 * hold, never change yourself, If-Match on PATCH, suspension and session revocation take effect on
 * the next request, a refused request changes nothing; and the users list's paging and filters.
 * Every test provisions its own target users (names carry this file's random suffix, since the
 * database is shared by the whole run).
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type HttpMethod = (typeof HTTP_METHODS)[number];

interface Account {
  readonly user: string;
  readonly id: string;
  readonly token: string;
  readonly auth: Record<string, string>;
}

interface UserSnapshot {
  readonly etag: string;
  readonly body: Record<string, unknown>;
}

interface ListedUser {
  readonly id: string;
  readonly displayName: string;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectProblem(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
}

function expectPointer(res: request.Response, pointer: string): void {
  expectProblem(res, 400, 'validation_failed');
  expect((res.body.errors as { pointer: string }[]).map((error) => error.pointer)).toContain(pointer);
}

describe('Admin privilege rules', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  let admin: Account;
  let auditorAdmin: Account;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    testApp = await createTestApp({ env: { AUTH_ROLE_MAPPING: '' } });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
    admin = await account('admin', ['admin']);
    auditorAdmin = await account('auditor-admin', ['admin', 'auditor']);
  });

  afterAll(() => testApp?.close());

  /** Mints a token (step-up satisfied unless told otherwise) and provisions the user with it. */
  async function account(name: string, roles: Role[], options: { stepUp?: boolean } = {}): Promise<Account> {
    const user = `rules-${name}-${suffix}`;
    const token = await dev.mint({ user, roles, stepUp: options.stepUp ?? true });
    const me = await http.get('/v1/me').set(bearer(token)).expect(200);
    return { user, id: me.body.id as string, token, auth: bearer(token) };
  }

  async function snapshot(id: string): Promise<UserSnapshot> {
    const res = await http.get(`/v1/users/${id}`).set(admin.auth).expect(200);
    expect(res.headers.etag).toMatch(/^"\d+"$/);
    return { etag: res.headers.etag, body: res.body as Record<string, unknown> };
  }

  async function setStatus(id: string, status: 'active' | 'suspended'): Promise<request.Response> {
    const { etag } = await snapshot(id);
    return http.patch(`/v1/users/${id}`).set(admin.auth).set('If-Match', etag).send({ status }).expect(200);
  }

  async function me(token: string): Promise<request.Response> {
    return http.get('/v1/me').set(bearer(token));
  }

  describe('granting roles', () => {
    it('refuses an admin without auditor granting or removing auditor (403 grant_not_allowed), changing nothing', async () => {
      const target = await account('grant-auditor-target', ['viewer']);
      const before = await snapshot(target.id);

      const grant = await http.put(`/v1/users/${target.id}/role-grants/auditor`).set(admin.auth);
      expectProblem(grant, 403, 'grant_not_allowed');
      const removal = await http.delete(`/v1/users/${target.id}/role-grants/auditor`).set(admin.auth);
      expectProblem(removal, 403, 'grant_not_allowed');

      expect(await snapshot(target.id)).toEqual(before);
      expect(before.body.grantedRoles).toEqual([]);
    });

    it('lets an admin who holds auditor grant it; the target sees it in /v1/me as a grant', async () => {
      const target = await account('grant-auditor-ok', ['viewer']);
      expect((await me(target.token)).body.roleSources).toEqual([{ role: 'viewer', source: 'token:roles:viewer' }]);

      const grant = await http.put(`/v1/users/${target.id}/role-grants/auditor`).set(auditorAdmin.auth).expect(200);
      expect(grant.body).toEqual({
        userId: target.id,
        role: 'auditor',
        grantedBy: auditorAdmin.id,
        grantedAt: expect.any(String),
      });

      const after = await me(target.token);
      expect(after.status).toBe(200);
      expect(after.body.roleSources).toEqual(
        expect.arrayContaining([
          { role: 'viewer', source: 'token:roles:viewer' },
          { role: 'auditor', source: 'grant' },
        ]),
      );
      expect(after.body.effectiveRoles).toEqual(['viewer', 'auditor']);
      expect((await snapshot(target.id)).body.grantedRoles).toEqual(['auditor']);
    });

    it('is idempotent: granting twice gives the same grant and moves the ETag once', async () => {
      const target = await account('grant-twice', []);
      const before = await snapshot(target.id);

      const first = await http.put(`/v1/users/${target.id}/role-grants/approver`).set(admin.auth).expect(200);
      const afterFirst = await snapshot(target.id);
      const second = await http.put(`/v1/users/${target.id}/role-grants/approver`).set(admin.auth).expect(200);
      const afterSecond = await snapshot(target.id);

      expect(second.body).toEqual(first.body);
      expect(first.body).toMatchObject({ userId: target.id, role: 'approver', grantedBy: admin.id });
      expect(afterFirst.etag).not.toBe(before.etag);
      expect(afterSecond.etag).toBe(afterFirst.etag);
      expect(afterSecond.body.grantedRoles).toEqual(['approver']);
    });

    it('removes a grant with 204; the role is gone from the target’s next /v1/me; removing again is 204', async () => {
      const target = await account('grant-remove', []);
      await http.put(`/v1/users/${target.id}/role-grants/requester`).set(admin.auth).expect(200);
      const granted = await me(target.token);
      expect(granted.body.roleSources).toEqual([{ role: 'requester', source: 'grant' }]);
      expect(granted.body.effectiveRoles).toEqual(['viewer', 'requester']);

      const removal = await http.delete(`/v1/users/${target.id}/role-grants/requester`).set(admin.auth);
      expect(removal.status).toBe(204);
      expect(removal.text).toBe('');

      const after = await me(target.token);
      expect(after.status).toBe(200);
      expect(after.body.roleSources).toEqual([]);
      expect(after.body.effectiveRoles).toEqual([]);
      const etag = (await snapshot(target.id)).etag;
      await http.delete(`/v1/users/${target.id}/role-grants/requester`).set(admin.auth).expect(204);
      expect((await snapshot(target.id)).etag).toBe(etag);
    });
  });

  describe('self modification', () => {
    // Each case has an admin of its own: if a refusal failed, the shared admin must not be the one
    // who just suspended themselves.
    const selfChanges: [string, (actor: Account, id: string, etag: string) => request.Test][] = [
      [
        'PATCH status',
        (actor, id, etag) =>
          http.patch(`/v1/users/${id}`).set(actor.auth).set('If-Match', etag).send({ status: 'suspended' }),
      ],
      ['PUT a role grant', (actor, id) => http.put(`/v1/users/${id}/role-grants/approver`).set(actor.auth)],
      ['DELETE a role grant', (actor, id) => http.delete(`/v1/users/${id}/role-grants/viewer`).set(actor.auth)],
    ];
    const slug = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, '-');

    it.each(selfChanges)(
      'refuses an admin’s %s on themselves with 403 self_modification_forbidden',
      async (name, send) => {
        const actor = await account(`self-${slug(name)}`, ['admin']);
        const before = await snapshot(actor.id);
        expectProblem(await send(actor, actor.id, before.etag), 403, 'self_modification_forbidden');
        expect(await snapshot(actor.id)).toEqual(before);
      },
    );

    // PostgreSQL compares uuid values case-insensitively, so the same user answers to an id in
    // upper case; the self check must not be a plain string comparison with the path.
    it.each(selfChanges)('refuses %s on themselves when the id is written in upper case too', async (name, send) => {
      const actor = await account(`self-upper-${slug(name)}`, ['admin']);
      const before = await snapshot(actor.id);
      expectProblem(await send(actor, actor.id.toUpperCase(), before.etag), 403, 'self_modification_forbidden');
      expect(await snapshot(actor.id)).toEqual(before);
    });
  });

  describe('If-Match on PATCH /v1/users/{id}', () => {
    it('requires it (428), refuses a stale one (412), accepts the current one (200, new ETag)', async () => {
      const target = await account('if-match', ['viewer']);
      const before = await snapshot(target.id);
      const patch = () => http.patch(`/v1/users/${target.id}`).set(admin.auth);

      expectProblem(await patch().send({ status: 'suspended' }), 428, 'precondition_required');
      const stale = await patch().set('If-Match', '"0"').send({ status: 'suspended' });
      expectProblem(stale, 412, 'precondition_failed');
      expect(stale.body.currentETag).toBe(before.etag);
      const weak = await patch().set('If-Match', `W/${before.etag}`).send({ status: 'suspended' });
      expectProblem(weak, 412, 'precondition_failed');
      expect(await snapshot(target.id)).toEqual(before);

      const updated = await patch().set('If-Match', before.etag).send({ status: 'suspended' });
      expect(updated.status).toBe(200);
      expect(updated.body.status).toBe('suspended');
      expect(updated.headers.etag).toMatch(/^"\d+"$/);
      expect(updated.headers.etag).not.toBe(before.etag);
      expect((await snapshot(target.id)).etag).toBe(updated.headers.etag);

      // The ETag just used is stale now; the new one reactivates.
      expectProblem(await patch().set('If-Match', before.etag).send({ status: 'active' }), 412, 'precondition_failed');
      const reactivated = await patch().set('If-Match', updated.headers.etag).send({ status: 'active' });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body.status).toBe('active');
    });
  });

  describe('a rejected request changes no state', () => {
    it('leaves the target exactly as it was after every kind of refusal', async () => {
      const target = await account('untouched', ['viewer']);
      await http.put(`/v1/users/${target.id}/role-grants/requester`).set(admin.auth).expect(200);
      const before = await snapshot(target.id);
      const approver = await account('untouched-approver', ['approver']);
      const noStepUp = bearer(await dev.mint({ user: `rules-admin-nostepup-${suffix}`, roles: ['admin'] }));
      const url = `/v1/users/${target.id}`;

      const refusals: [string, request.Test, number, string][] = [
        ['approver grants', http.put(`${url}/role-grants/approver`).set(approver.auth), 403, 'insufficient_role'],
        ['approver removes', http.delete(`${url}/role-grants/requester`).set(approver.auth), 403, 'insufficient_role'],
        [
          'admin without step-up grants',
          http.put(`${url}/role-grants/approver`).set(noStepUp),
          401,
          'step_up_required',
        ],
        [
          'admin without step-up removes',
          http.delete(`${url}/role-grants/requester`).set(noStepUp),
          401,
          'step_up_required',
        ],
        ['admin without step-up suspends', http.patch(url).set(noStepUp).set('If-Match', before.etag).send({ status: 'suspended' }), 401, 'step_up_required'], // prettier-ignore
        ['admin without step-up revokes sessions', http.post(`${url}/revoke-sessions`).set(noStepUp), 401, 'step_up_required'], // prettier-ignore
        ['admin grants auditor', http.put(`${url}/role-grants/auditor`).set(admin.auth), 403, 'grant_not_allowed'],
        ['unknown role', http.put(`${url}/role-grants/owner`).set(admin.auth), 400, 'validation_failed'],
        ['unknown status', http.patch(url).set(admin.auth).set('If-Match', before.etag).send({ status: 'deleted' }), 400, 'validation_failed'], // prettier-ignore
        ['unknown field', http.patch(url).set(admin.auth).set('If-Match', before.etag).send({ status: 'suspended', role: 'admin' }), 400, 'validation_failed'], // prettier-ignore
        ['no If-Match', http.patch(url).set(admin.auth).send({ status: 'suspended' }), 428, 'precondition_required'],
        ['stale If-Match', http.patch(url).set(admin.auth).set('If-Match', '"0"').send({ status: 'suspended' }), 412, 'precondition_failed'], // prettier-ignore
      ];
      for (const [name, send, status, code] of refusals) {
        const res = await send;
        expect({ name, status: res.status, code: res.body?.code }).toEqual({ name, status, code });
      }

      expect(await snapshot(target.id)).toEqual(before);
      expect(before.body).toMatchObject({ status: 'active', grantedRoles: ['requester'], sessionsRevokedBefore: null });
      expect((await me(target.token)).status).toBe(200);
    });
  });

  describe('suspension', () => {
    it('refuses a suspended user on every protected route, /v1/me included; reactivation restores access', async () => {
      const target = await account('suspended', ['viewer']);
      await setStatus(target.id, 'suspended');

      const served = await http.get('/openapi.json').expect(200);
      const paths = served.body.paths as Record<string, Partial<Record<HttpMethod, { security?: unknown[] }>>>;
      const mismatches: string[] = [];
      let checked = 0;
      for (const [path, item] of Object.entries(paths)) {
        for (const method of HTTP_METHODS) {
          const operation = item[method];
          if (!operation || (Array.isArray(operation.security) && operation.security.length === 0)) continue;
          const concrete = path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
            name === 'role' ? 'viewer' : randomUUID(),
          );
          let req = http[method](concrete).set(target.auth);
          if (method === 'post' || method === 'put' || method === 'patch') req = req.send({});
          const res = await req;
          checked += 1;
          if (res.status !== 403 || res.body?.code !== 'user_suspended') {
            mismatches.push(`${method.toUpperCase()} ${path}: ${res.status} ${res.body?.code}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(6);
      expectProblem(await me(target.token), 403, 'user_suspended');

      await setStatus(target.id, 'active');
      const back = await me(target.token);
      expect(back.status).toBe(200);
      expect(back.body.status).toBe('active');
      expectProblem(await http.get('/v1/users').set(target.auth), 403, 'insufficient_role');
    });
  });

  describe('session revocation', () => {
    it('rejects the target’s tokens issued before the revocation (401 session_revoked), not later ones', async () => {
      const target = await account('revoked', ['viewer']);
      expect((await me(target.token)).status).toBe(200);
      // `iat` has one-second resolution: a token from the revocation's own second is accepted.
      await sleep(1100);

      const revoked = await http.post(`/v1/users/${target.id}/revoke-sessions`).set(admin.auth).expect(200);
      expect(revoked.body).toEqual({ userId: target.id, sessionsRevokedBefore: expect.any(String) });
      expect((await snapshot(target.id)).body.sessionsRevokedBefore).toBe(revoked.body.sessionsRevokedBefore);

      const old = await me(target.token);
      expectProblem(old, 401, 'session_revoked');
      expect(old.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);

      const fresh = await dev.mint({ user: target.user, roles: ['viewer'], stepUp: true });
      const after = await me(fresh);
      expect(after.status).toBe(200);
      expect(after.body.id).toBe(target.id);
      expectProblem(await me(target.token), 401, 'session_revoked');
    });
  });

  describe('listing users', () => {
    const marker = `list${suffix}`;
    const listed: Record<'a' | 'b' | 'c', Account> = {} as Record<'a' | 'b' | 'c', Account>;

    beforeAll(async () => {
      // Created in this order, so keyset paging returns them in this order.
      for (const [key, roles] of [
        ['a', ['auditor']],
        ['b', ['viewer']],
        ['c', []],
      ] as const) {
        const user = `${marker}-${key}`;
        const token = await dev.mint({ user, roles: [...roles], stepUp: true });
        const res = await http.get('/v1/me').set(bearer(token)).expect(200);
        listed[key] = { user, id: res.body.id as string, token, auth: bearer(token) };
      }
      await setStatus(listed.b.id, 'suspended');
      await http.put(`/v1/users/${listed.c.id}/role-grants/requester`).set(admin.auth).expect(200);
    });

    async function listIds(query: string): Promise<string[]> {
      const res = await http.get(`/v1/users?${query}`).set(admin.auth).expect(200);
      expect(res.body.nextLink).toBeUndefined();
      return (res.body.value as ListedUser[]).map((user) => user.id);
    }

    it('pages with top=1 through absolute nextLinks, each user once, in creation order', async () => {
      const first = await http.get(`/v1/users?top=1&q=${marker}`).set(admin.auth).expect(200);
      const seen: string[] = (first.body.value as ListedUser[]).map((user) => user.id);
      let nextLink = first.body.nextLink as string | undefined;
      let pages = 1;
      while (nextLink !== undefined && pages < 10) {
        const url = new URL(nextLink);
        expect(`${url.protocol}//${url.host}`).toBe(testApp.url);
        expect(url.pathname).toBe('/v1/users');
        expect(url.searchParams.get('top')).toBe('1');
        expect(url.searchParams.get('q')).toBe(marker);
        const res = await fetch(nextLink, { headers: admin.auth });
        expect(res.status).toBe(200);
        const page = (await res.json()) as { value: ListedUser[]; nextLink?: string };
        expect(page.value).toHaveLength(1);
        seen.push(...page.value.map((user) => user.id));
        nextLink = page.nextLink;
        pages += 1;
      }
      expect(seen).toEqual([listed.a.id, listed.b.id, listed.c.id]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(nextLink).toBeUndefined();
    });

    it('filters by status', async () => {
      expect(await listIds(`q=${marker}&status=suspended`)).toEqual([listed.b.id]);
      expect(await listIds(`q=${marker}&status=active`)).toEqual([listed.a.id, listed.c.id]);
    });

    it('filters by a role held directly, from the token or a grant', async () => {
      expect(await listIds(`q=${marker}&role=auditor`)).toEqual([listed.a.id]);
      expect(await listIds(`q=${marker}&role=requester`)).toEqual([listed.c.id]);
      expect(await listIds(`q=${marker}&role=viewer`)).toEqual([listed.b.id]);
      expect(await listIds(`q=${marker}&role=admin`)).toEqual([]);
    });

    it('filters by text in the name or email, case-insensitively, with LIKE wildcards taken literally', async () => {
      expect(await listIds(`q=${marker}-a`)).toEqual([listed.a.id]);
      expect(await listIds(`q=${encodeURIComponent(`${marker}-C@FLOWGATE.DEV`)}`)).toEqual([listed.c.id]);
      expect(await listIds(`q=${encodeURIComponent(`${marker}%`)}`)).toEqual([]);
      expect(await listIds(`q=${encodeURIComponent(`${marker}-_`)}`)).toEqual([]);
    });

    it.each([
      ['not base64 JSON', 'garbage!!'],
      ['JSON without the position', Buffer.from('{"x":1}').toString('base64url')],
      ['a JSON array', Buffer.from('[]').toString('base64url')],
      [
        'a position whose time is not a time',
        Buffer.from('{"createdAt":"yesterday","id":"nope"}').toString('base64url'),
      ],
      [
        'a position whose id is not a UUID',
        Buffer.from('{"createdAt":"2025-01-01T00:00:00.000Z","id":"nope"}').toString('base64url'),
      ],
    ])('answers a malformed cursor (%s) with 400 at /query/cursor', async (_name, cursor) => {
      const res = await http.get(`/v1/users?cursor=${encodeURIComponent(cursor)}`).set(admin.auth);
      expectPointer(res, '/query/cursor');
    });

    it.each([['0'], ['500'], ['201'], ['-1'], ['1.5'], ['ten']])(
      'answers top=%s with 400 at /query/top',
      async (top) => {
        expectPointer(await http.get(`/v1/users?top=${top}`).set(admin.auth), '/query/top');
      },
    );

    it.each([
      ['status=deleted', '/query/status'],
      ['role=owner', '/query/role'],
    ])('answers %s with 400 at its pointer', async (query, pointer) => {
      expectPointer(await http.get(`/v1/users?${query}`).set(admin.auth), pointer);
    });
  });
});
