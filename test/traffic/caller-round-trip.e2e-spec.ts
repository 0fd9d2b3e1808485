import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, principalTag, type Role } from '@flowgate/auth';
import { CallerRoundTrip, DistributedLock, RedisConnection, RedisUnavailable } from '@flowgate/core';
import type { TestApp } from '@flowgate/testing';
import { inFlightMarkerName } from '@flowgate/traffic';
import { createTestApp } from '../support/create-test-app';
import { expectRemaining, expectTooManyRequests } from '../support/rate-limit-responses';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Small enough to reach, large enough for each test's few requests; every test has its own users. */
const PRINCIPAL_BUDGET = 6;
const SENSITIVE_BUDGET = 4;

/**
 * A request's Redis work for its caller — principal lookup, rate-limit counters, idempotency
 * marker — goes in one round trip sent by authentication, before authorization and the rate
 * limiter have decided (ADR 28). What a refused request leaves behind must still be what it left
 * before: a refusal by authentication or authorization draws on no budget and leaves no marker
 * (so a retry with the right token is not turned away with 409), a 429 leaves no marker, a 400
 * for the request's shape keeps its count but no marker. And when the combined call fails, the
 * request is served by the fallbacks, as during an outage. The same on Redis (a cluster on the
 * cluster tier) and on development mode's in-process stand-ins.
 */
describe.each([
  ['Redis', {}, 'redis'],
  // Development mode's stand-ins keep the same contract (ADR 7): the same answers without Redis.
  ['the in-process stand-ins', { REDIS_URL: '', REDIS_CLUSTER_NODES: '' }, 'in-process'],
] as const)('The caller round trip on %s: what a refused request leaves behind', (_name, redisEnv, mode) => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    testApp = await createTestApp({
      probes: true,
      env: {
        ...redisEnv,
        RATE_LIMIT_PRINCIPAL: `${PRINCIPAL_BUDGET}/60s`,
        RATE_LIMIT_SENSITIVE: `${SENSITIVE_BUDGET}/60s`,
      },
    });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(() => testApp?.close());

  it('runs on the shared state named', () => {
    expect(testApp.app.get(RedisConnection).mode).toBe(mode);
  });

  const caller = (name: string) => `crt-${name}-${suffix}`;
  const auth = async (user: string, roles: Role[], stepUp = true) => ({
    Authorization: `Bearer ${await dev.mint({ user, roles, stepUp })}`,
  });
  const definition = () => ({
    key: `crt-${randomBytes(4).toString('hex')}`,
    title: 'Caller round trip',
    states: [
      { name: 'open', initial: true },
      { name: 'closed', terminal: true },
    ],
    transitions: [{ name: 'close', from: 'open', to: 'closed', role: 'requester' }],
  });

  /** Whether the in-flight marker of `key` on the notes probe is free (it is taken and let go to find out). */
  async function markerFree(me: { tenantId: string; objectId: string }, key: string): Promise<boolean> {
    const name = inFlightMarkerName(principalTag(me.tenantId, me.objectId), 'POST', '/v1/probes/notes', key);
    const lease = await testApp.app.get(DistributedLock).tryAcquire(name, 1_000);
    await lease?.release();
    return lease !== undefined;
  }

  it('a step-up refusal (401) draws on no budget and leaves no marker: the retry with step-up goes through', async () => {
    const user = caller('step-up');
    const seen = await http.get('/v1/me').set(await auth(user, ['admin']));
    expectRemaining(seen, 'principal', PRINCIPAL_BUDGET - 1, 60);
    const key = randomUUID();
    const body = definition();

    const refused = await http
      .post('/v1/workflow-definitions')
      .set(await auth(user, ['admin'], false))
      .set('Idempotency-Key', key)
      .send(body);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'step_up_required' });

    const retried = await http
      .post('/v1/workflow-definitions')
      .set(await auth(user, ['admin']))
      .set('Idempotency-Key', key)
      .send(body);
    expect(retried.status).toBe(201);
    expectRemaining(retried, 'principal', PRINCIPAL_BUDGET - 2, 60);
    expectRemaining(retried, 'sensitive', SENSITIVE_BUDGET - 1, 60);
  });

  it('a role refusal (403) draws on no budget and leaves no marker', async () => {
    const user = caller('role');
    const key = randomUUID();
    const body = definition();
    const refused = await http
      .post('/v1/workflow-definitions')
      .set(await auth(user, ['viewer']))
      .set('Idempotency-Key', key)
      .send(body);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'insufficient_role' });

    const granted = await http
      .post('/v1/workflow-definitions')
      .set(await auth(user, ['admin']))
      .set('Idempotency-Key', key)
      .send(body);
    expect(granted.status).toBe(201);
    expectRemaining(granted, 'principal', PRINCIPAL_BUDGET - 1, 60);
    expectRemaining(granted, 'sensitive', SENSITIVE_BUDGET - 1, 60);
  });

  it('a revoked session (401) draws on no budget and leaves no marker', async () => {
    const user = caller('revoked');
    const old = await auth(user, ['viewer']);
    const me = (await http.get('/v1/me').set(old).expect(200)).body as {
      id: string;
      tenantId: string;
      objectId: string;
    };
    // `iat` has one-second resolution: a token from the revocation's own second is accepted.
    await sleep(1100);
    const admin = await auth(caller('revoker'), ['admin']);
    await http.post(`/v1/users/${me.id}/revoke-sessions`).set(admin).expect(200);
    const key = randomUUID();

    const refused = await http.post('/v1/probes/notes').set(old).set('Idempotency-Key', key).send({ text: 'old' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'session_revoked' });
    expect(await markerFree(me, key)).toBe(true);

    const fresh = await http
      .post('/v1/probes/notes')
      .set(await auth(user, ['viewer']))
      .set('Idempotency-Key', key)
      .send({ text: 'fresh' });
    expect(fresh.status).toBe(201);
    expectRemaining(fresh, 'principal', PRINCIPAL_BUDGET - 2, 60);
  });

  it('a rate-limit refusal (429) leaves no marker', async () => {
    const token = await auth(caller('throttled'), ['viewer']);
    const me = (await http.get('/v1/me').set(token).expect(200)).body as { tenantId: string; objectId: string };
    for (let i = 1; i < PRINCIPAL_BUDGET; i++) await http.get('/v1/me').set(token).expect(200);
    const key = randomUUID();

    const refused = await http.post('/v1/probes/notes').set(token).set('Idempotency-Key', key).send({ text: 'no' });

    expectTooManyRequests(refused, 'principal');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expectRemaining(refused, 'principal', 0, 60);
    expect(await markerFree(me, key)).toBe(true);
  });

  it('a refusal of the request’s shape (400) keeps its count, as before, but leaves no marker', async () => {
    const token = await auth(caller('shape'), ['viewer']);
    const key = randomUUID();
    const refused = await http
      .post('/v1/probes/notes?unexpected=1')
      .set(token)
      .set('Idempotency-Key', key)
      .send({ text: 'shape' });
    expect(refused.status).toBe(400);

    const created = await http.post('/v1/probes/notes').set(token).set('Idempotency-Key', key).send({ text: 'shape' });
    expect(created.status).toBe(201);
    expectRemaining(created, 'principal', PRINCIPAL_BUDGET - 2, 60);
  });

  it('a concurrent duplicate still finds the marker taken in the round trip: 409', async () => {
    const token = await auth(caller('duplicate'), ['viewer']);
    const key = randomUUID();
    const send = () =>
      http.post('/v1/probes/notes?delayMs=300').set(token).set('Idempotency-Key', key).send({ text: 'twice' });
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
  });

  // Last: the failure puts the rate limits in their per-instance fallback for a few seconds.
  it('serves when the combined call fails, as during an outage: principal from PostgreSQL, exactly once', async () => {
    const token = await auth(caller('failure'), ['viewer']);
    await http.get('/v1/me').set(token).expect(200);
    const send = jest
      .spyOn(testApp.app.get(CallerRoundTrip), 'send')
      .mockRejectedValue(new RedisUnavailable('Redis became unavailable during the call'));
    const key = randomUUID();
    const write = () => http.post('/v1/probes/notes').set(token).set('Idempotency-Key', key).send({ text: 'failure' });
    try {
      const created = await write();
      expect(created.status).toBe(201);
      expect(created.headers.ratelimit).toMatch(/"principal";r=\d+/);
      const retried = await write();
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body.id).toBe(created.body.id);
      expect(send).toHaveBeenCalledTimes(2);
    } finally {
      send.mockRestore();
    }
  });
});
