import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { AccessDenials, DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

interface AuditedEvent {
  readonly action: string;
  readonly outcome: string;
  readonly resource: { type: string; id: string };
  readonly actor: { displayName: string };
  readonly after: Record<string, unknown>;
  readonly requestId: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Security denials in the audit log (docs/audit.md "Denials"): refused admin actions, step-up
 * failures and use of a revoked session, each in its own transaction, and repeated identical
 * denials collapsed into one counted event per window (1 s here).
 */
describe('Audited denials', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    testApp = await createTestApp({ env: { AUDIT_DENIAL_WINDOW_SECONDS: '1' } });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(() => testApp.close());

  const bearer = async (user: string, roles: string[], stepUp = true) =>
    `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles, stepUp })}`;

  const userIdOf = async (user: string): Promise<string> =>
    (await http.get('/v1/me').set('Authorization', await bearer(user, []))).body.id as string;

  const deniedEventsOf = async (user: string): Promise<AuditedEvent[]> => {
    const auditor = await bearer('auditor', ['auditor'], false);
    const res = await http.get('/v1/audit-events').query({ outcome: 'denied', top: 100 }).set('Authorization', auditor);
    expect(res.status).toBe(200);
    return (res.body.value as AuditedEvent[]).filter((event) => event.actor.displayName === `${user}-${suffix}`);
  };

  it('records a refused admin action by role, with the route and the role it needed', async () => {
    const targetId = await userIdOf('role-target');
    const res = await http
      .put(`/v1/users/${targetId}/role-grants/approver`)
      .set('Authorization', await bearer('mallory', ['approver']))
      .set('X-Request-Id', `denied-${suffix}`);
    expect(res.status).toBe(403);
    const events = await deniedEventsOf('mallory');
    expect(events).toEqual([
      expect.objectContaining({
        action: 'access.denied',
        outcome: 'denied',
        resource: { type: 'route', id: 'PUT /v1/users/:id/role-grants/:role' },
        after: { reason: 'insufficient_role', requiredRole: 'admin', occurrences: 1 },
        requestId: `denied-${suffix}`,
      }),
    ]);
  });

  it('records a refusal inside the service (granting a role one does not hold) while the change rolls back', async () => {
    const targetId = await userIdOf('grant-target');
    const res = await http
      .put(`/v1/users/${targetId}/role-grants/auditor`)
      .set('Authorization', await bearer('overreacher', ['admin']));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('grant_not_allowed');
    expect(await deniedEventsOf('overreacher')).toEqual([
      expect.objectContaining({
        action: 'user.role_granted',
        resource: { type: 'user', id: targetId },
        after: { reason: 'grant_not_allowed', role: 'auditor', occurrences: 1 },
      }),
    ]);
    const admin = await bearer('checker', ['admin']);
    const target = await http.get(`/v1/users/${targetId}`).set('Authorization', admin);
    expect(target.body.grantedRoles).toEqual([]);
  });

  it('records self-modification attempts', async () => {
    const selfId = await userIdOf('narcissus');
    const res = await http
      .put(`/v1/users/${selfId}/role-grants/approver`)
      .set('Authorization', await bearer('narcissus', ['admin']));
    expect(res.body.code).toBe('self_modification_forbidden');
    const [event] = await deniedEventsOf('narcissus');
    expect(event).toMatchObject({ action: 'user.role_granted', after: { reason: 'self_modification_forbidden' } });
  });

  it('records a step-up failure', async () => {
    const targetId = await userIdOf('stepup-target');
    const res = await http
      .put(`/v1/users/${targetId}/role-grants/approver`)
      .set('Authorization', await bearer('weak-admin', ['admin'], false));
    expect(res.status).toBe(401);
    const [event] = await deniedEventsOf('weak-admin');
    expect(event).toMatchObject({ action: 'access.denied', after: { reason: 'step_up_required' } });
  });

  it('records use of a revoked session', async () => {
    const victimId = await userIdOf('victim');
    const stolen = await bearer('victim', []);
    const admin = await bearer('revoker', ['admin']);
    await sleep(1_100); // `iat` has whole seconds: a revocation covers tokens of earlier seconds
    expect((await http.post(`/v1/users/${victimId}/revoke-sessions`).set('Authorization', admin)).status).toBe(200);
    const res = await http.get('/v1/me').set('Authorization', stolen);
    expect(res.body.code).toBe('session_revoked');
    const [event] = await deniedEventsOf('victim');
    expect(event).toMatchObject({
      action: 'access.denied',
      resource: { type: 'route', id: 'GET /v1/me' },
      after: { reason: 'session_revoked', tokenIssuedAt: expect.any(String) },
    });
  });

  it('collapses a flood of identical denials into the first event and one counted event', async () => {
    // A window far longer than the test, so that a slow machine cannot split the flood; closing
    // the app closes the window (as on every graceful shutdown).
    const floodApp = await createTestApp({ env: { AUDIT_DENIAL_WINDOW_SECONDS: '60' } });
    const token = `Bearer ${await floodApp.app.get(DevIdentityProvider).mint({ user: `flooder-${suffix}`, roles: ['viewer'] })}`;
    try {
      const flood = request(floodApp.app.getHttpServer());
      const statuses = await Promise.all(
        Array.from({ length: 25 }, () => flood.get('/v1/audit-events').set('Authorization', token)),
      );
      expect(statuses.every((res) => res.status === 403)).toBe(true);
      expect(await deniedEventsOf('flooder')).toHaveLength(1);
      // A different denial from the same principal is not folded into that count.
      await flood.get('/v1/users').set('Authorization', token);
      expect(await deniedEventsOf('flooder')).toHaveLength(2);
    } finally {
      await floodApp.close();
    }
    const events = await deniedEventsOf('flooder');
    expect(events.map((event) => [event.resource.id, event.after.occurrences])).toEqual([
      ['GET /v1/audit-events', 24],
      ['GET /v1/users', 1],
      ['GET /v1/audit-events', 1],
    ]);
    expect(events[0].after).toMatchObject({
      reason: 'insufficient_role',
      repeatedSince: expect.any(String),
      repeatedUntil: expect.any(String),
    });
  });

  it('writes the count of a window whose closer is gone when the next identical denial arrives', async () => {
    const token = await bearer('orphan', ['viewer']);
    await http.get('/v1/audit-events').set('Authorization', token);
    await http.get('/v1/audit-events').set('Authorization', token);
    // As if the instance that opened the window had crashed: its timer never fires.
    const denials: unknown = testApp.app.get(AccessDenials);
    const windows = (denials as { open: Map<string, { timer: NodeJS.Timeout }> }).open;
    for (const { timer } of windows.values()) clearTimeout(timer);
    windows.clear();
    await sleep(1_200);
    expect((await deniedEventsOf('orphan')).map((event) => event.after.occurrences)).toEqual([1]);
    await http.get('/v1/audit-events').set('Authorization', token);
    expect((await deniedEventsOf('orphan')).map((event) => event.after.occurrences)).toEqual([2, 1]);
  });

  it('writes every denial, uncollapsed, while Redis (the shared counter) is unreachable', async () => {
    const target = loadConfig().redis.url!;
    const proxy = await TcpProxy.start(target);
    const cutApp = await createTestApp({ env: { REDIS_URL: proxy.route(target), AUDIT_DENIAL_WINDOW_SECONDS: '60' } });
    try {
      const token = `Bearer ${await cutApp.app.get(DevIdentityProvider).mint({ user: `cut-off-${suffix}`, roles: ['viewer'] })}`;
      await proxy.cut();
      const cut = request(cutApp.app.getHttpServer());
      for (let i = 0; i < 3; i += 1)
        expect((await cut.get('/v1/audit-events').set('Authorization', token)).status).toBe(403);
    } finally {
      await cutApp.close();
      await proxy.close();
    }
    // Nothing lost for want of a counter: three denials, three events.
    expect((await deniedEventsOf('cut-off')).map((event) => event.after.occurrences)).toEqual([1, 1, 1]);
  });

  it('keeps the chain valid with denials in it', async () => {
    const res = await http
      .get('/v1/audit-events/verify')
      .set('Authorization', await bearer('auditor', ['auditor'], false));
    expect(res.body).toMatchObject({ valid: true });
  });
});
