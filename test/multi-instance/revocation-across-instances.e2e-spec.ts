import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Two instances of the API on the run's one PostgreSQL and Redis (same key prefix), as behind a
 * load balancer: an admin change made through one must be enforced by the other on the user's
 * next request, although both have just served (and cached) that user.
 */

const PROPAGATION_BUDGET_MS = 1000;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  readonly user: string;
  readonly id: string;
  readonly token: string;
  readonly mintedAtMs: number;
}

describe('Access changes across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let dev: DevIdentityProvider;
  let adminToken: string;
  let keyDir: string;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    // One signing key for both instances, in a folder of this file's own: instances starting in
    // parallel in other workers could otherwise replace the run's key file between A and B.
    keyDir = mkdtempSync(join(tmpdir(), 'flowgate-multi-instance-'));
    const env = { AUTH_DEV_KEY_DIR: keyDir, AUTH_ROLE_MAPPING: '' };
    a = await createTestApp({ env });
    b = await createTestApp({ env });
    dev = a.app.get(DevIdentityProvider);
    adminToken = await dev.mint({ user: `multi-admin-${suffix}`, roles: ['admin'], stepUp: true });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const on = (instance: TestApp) => request(instance.app.getHttpServer());

  /** A viewer who has just been served by both instances, so both could answer from a cache. */
  async function servedByBoth(name: string, roles: Role[] = ['viewer']): Promise<Target> {
    const user = `multi-${name}-${suffix}`;
    const mintedAtMs = Date.now();
    const token = await dev.mint({ user, roles });
    const fromA = await on(a).get('/v1/me').set(bearer(token)).expect(200);
    const fromB = await on(b).get('/v1/me').set(bearer(token)).expect(200);
    expect(fromB.body.id).toBe(fromA.body.id);
    return { user, id: fromA.body.id as string, token, mintedAtMs };
  }

  async function setStatus(instance: TestApp, id: string, status: 'active' | 'suspended'): Promise<void> {
    const current = await on(instance).get(`/v1/users/${id}`).set(bearer(adminToken)).expect(200);
    await on(instance)
      .patch(`/v1/users/${id}`)
      .set(bearer(adminToken))
      .set('If-Match', current.headers.etag)
      .send({ status })
      .expect(200);
  }

  /**
   * Repeats `GET /v1/me` with `token` on `instance` until `done` holds or the propagation budget
   * is spent; returns the last response and how long it took.
   */
  async function meUntil(
    instance: TestApp,
    token: string,
    done: (res: request.Response) => boolean,
  ): Promise<{ res: request.Response; elapsedMs: number }> {
    const start = Date.now();
    for (;;) {
      const res = await on(instance).get('/v1/me').set(bearer(token));
      const elapsedMs = Date.now() - start;
      if (done(res) || elapsedMs >= PROPAGATION_BUDGET_MS) return { res, elapsedMs };
      await sleep(25);
    }
  }

  it('runs two separate instances that trust the same tokens', async () => {
    expect(a.app).not.toBe(b.app);
    expect(a.url).not.toBe(b.url);
    expect(await b.app.get(DevIdentityProvider).jwks()).toEqual(await dev.jwks());
  });

  it('enforces a suspension made on A on B’s next request, within one second', async () => {
    const target = await servedByBoth('suspend');
    await setStatus(a, target.id, 'suspended');

    const { res, elapsedMs } = await meUntil(b, target.token, (r) => r.status === 403);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 403, code: 'user_suspended' });
    expect(elapsedMs).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
    expect((await on(a).get('/v1/me').set(bearer(target.token))).status).toBe(403);
  });

  it('serves a user again on A after a reactivation on B, within one second', async () => {
    const target = await servedByBoth('reactivate');
    await setStatus(a, target.id, 'suspended');
    expect((await on(a).get('/v1/me').set(bearer(target.token))).status).toBe(403);
    expect((await on(b).get('/v1/me').set(bearer(target.token))).status).toBe(403);

    await setStatus(b, target.id, 'active');

    const { res, elapsedMs } = await meUntil(a, target.token, (r) => r.status === 200);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(elapsedMs).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
  });

  it('rejects on B, within one second, a token issued before a session revocation made on A', async () => {
    const target = await servedByBoth('revoke');
    // `iat` has one-second resolution: the token must come from an earlier second than the revocation.
    await sleep(Math.max(0, target.mintedAtMs + 1100 - Date.now()));

    const revoked = await on(a).post(`/v1/users/${target.id}/revoke-sessions`).set(bearer(adminToken));
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ userId: target.id, sessionsRevokedBefore: expect.any(String) });

    const { res, elapsedMs } = await meUntil(b, target.token, (r) => r.status === 401);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 401, code: 'session_revoked' });
    expect(elapsedMs).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);

    const fresh = await dev.mint({ user: target.user, roles: ['viewer'] });
    expect((await on(b).get('/v1/me').set(bearer(fresh))).status).toBe(200);
    expect((await on(a).get('/v1/me').set(bearer(fresh))).status).toBe(200);
  });

  it('shows a grant made on B in A’s /v1/me right after', async () => {
    const target = await servedByBoth('grant');
    const before = await on(a).get('/v1/me').set(bearer(target.token)).expect(200);
    expect(before.body.roleSources).toEqual([{ role: 'viewer', source: 'token:roles:viewer' }]);

    await on(b).put(`/v1/users/${target.id}/role-grants/approver`).set(bearer(adminToken)).expect(200);

    const after = await on(a).get('/v1/me').set(bearer(target.token)).expect(200);
    expect(after.body.roleSources).toEqual([
      { role: 'viewer', source: 'token:roles:viewer' },
      { role: 'approver', source: 'grant' },
    ]);
    expect(after.body.effectiveRoles).toEqual(['viewer', 'requester', 'approver']);
  });
});
