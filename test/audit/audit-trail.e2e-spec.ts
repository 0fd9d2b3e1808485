import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, verifyChain } from '@flowgate/audit';
import { DevIdentityProvider } from '@flowgate/auth';
import { sealAuditNow, TestApp } from '@flowgate/testing';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';

describe('Audit trail of user administration', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(() => testApp.close());

  const bearer = async (user: string, roles: string[], stepUp = true) =>
    `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles, stepUp })}`;

  async function userIdOf(user: string): Promise<string> {
    const res = await http.get('/v1/me').set('Authorization', await bearer(user, []));
    return res.body.id as string;
  }

  it('records a suspension in its transaction: actor, before/after, request id; auditors can read it', async () => {
    const targetId = await userIdOf('target');
    const admin = await bearer('admin', ['admin']);
    const current = await http.get(`/v1/users/${targetId}`).set('Authorization', admin);
    const suspended = await http
      .patch(`/v1/users/${targetId}`)
      .set('Authorization', admin)
      .set('If-Match', current.headers.etag)
      .set('X-Request-Id', `audit-${suffix}`)
      .send({ status: 'suspended' });
    expect(suspended.status).toBe(200);

    const auditor = await bearer('auditor', ['auditor'], false);
    const list = await http
      .get('/v1/audit-events')
      .query({ resourceType: 'user', resourceId: targetId })
      .set('Authorization', auditor);
    expect(list.status).toBe(200);
    expect(list.body.value).toHaveLength(1);
    const [event] = list.body.value;
    expect(event).toMatchObject({
      action: 'user.suspended',
      outcome: 'succeeded',
      resource: { type: 'user', id: targetId },
      actor: { type: 'user', displayName: `admin-${suffix}` },
      before: { status: 'active' },
      after: { status: 'suspended' },
      requestId: `audit-${suffix}`,
      // Recorded in the change's transaction, sealed into the chain by the worker moments later.
      seq: null,
      hash: null,
    });
    await sealAuditNow(testApp.app.get(DataSource));
    const one = await http.get(`/v1/audit-events/${event.id}`).set('Authorization', auditor);
    expect(one.body).toEqual({
      ...event,
      seq: expect.any(Number),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('records grants and revocations, and a refused grant only as a denial', async () => {
    const targetId = await userIdOf('grantee');
    const admin = await bearer('granter', ['admin']);
    expect((await http.put(`/v1/users/${targetId}/role-grants/approver`).set('Authorization', admin)).status).toBe(200);
    expect((await http.put(`/v1/users/${targetId}/role-grants/auditor`).set('Authorization', admin)).status).toBe(403);
    expect((await http.delete(`/v1/users/${targetId}/role-grants/approver`).set('Authorization', admin)).status).toBe(
      204,
    );
    const list = await http
      .get('/v1/audit-events')
      .query({ resourceId: targetId })
      .set('Authorization', await bearer('auditor', ['auditor'], false));
    const events = list.body.value as { action: string; outcome: string }[];
    // The refused grant changed nothing; it is on record as a denial, not as a change.
    expect(events.map(({ action, outcome }) => `${action} ${outcome}`)).toEqual([
      'user.role_revoked succeeded',
      'user.role_granted denied',
      'user.role_granted succeeded',
    ]);
  });

  it.each([['admin'], ['approver'], ['viewer']])('refuses the audit trail to %s (auditor only)', async (role) => {
    const res = await http.get('/v1/audit-events').set('Authorization', await bearer(`no-${role}`, [role]));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_role');
  });

  it('verifies the chain written so far, once sealed', async () => {
    await sealAuditNow(testApp.app.get(DataSource));
    const res = await http
      .get('/v1/audit-events/verify')
      .set('Authorization', await bearer('auditor', ['auditor'], false));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true });
    expect(res.body.checked).toBeGreaterThanOrEqual(3);
  });

  it('exports NDJSON in chain order that verifies offline with the published algorithm', async () => {
    await sealAuditNow(testApp.app.get(DataSource));
    const res = await http
      .get('/v1/audit-events/export')
      .set('Authorization', await bearer('auditor', ['auditor'], false))
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => callback(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    // Signed anchors follow the events, told apart by their `type` (test/audit/audit-anchors.e2e-spec.ts).
    const events = (res.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; prevHash: string; hash: string } & Record<string, unknown>)
      .filter((line) => line.type === undefined);
    // Sealed events first; events other suites wrote since the seal above follow, unsealed.
    const sealed = events.filter((event) => event.seq !== null);
    expect(events.slice(0, sealed.length)).toEqual(sealed);
    expect(sealed.length).toBeGreaterThanOrEqual(3);
    const chained = sealed.map(({ seq, prevHash, hash, ...body }) => ({ seq, prevHash, hash, body }));
    expect(verifyChain(chained, { expectedFirstSeq: 1, expectedPrevHash: GENESIS_HASH })).toMatchObject({
      valid: true,
    });
    const tampered = chained.map((event, index) =>
      index === 1 ? { ...event, body: { ...event.body, action: 'x' } } : event,
    );
    expect(verifyChain(tampered, { expectedFirstSeq: 1, expectedPrevHash: GENESIS_HASH })).toMatchObject({
      valid: false,
      brokenAt: { seq: chained[1].seq, reason: 'hash_mismatch' },
    });
  });
});
