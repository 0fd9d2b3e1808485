import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { eventually, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/** Long, so that a request waiting for Redis would stand out from one served by the fallbacks. */
const COMMAND_TIMEOUT_MS = 5_000;

const BREAKER_OPEN_LOG = 'Redis unavailable: circuit breaker open, Redis calls fail at once and the fallbacks serve';
const BREAKER_CLOSED_LOG = 'Redis available again: circuit breaker closed';

/**
 * Redis is a soft dependency (ADR 9, docs/runbook.md "Outages"): with it cut, the main endpoints
 * answer as usual, served by the fallbacks (principal read from PostgreSQL, idempotency guarded by
 * its primary key, per-instance rate limits) without waiting for Redis: the circuit breaker
 * fails Redis calls at once. When Redis returns, the breaker closes and Redis serves again.
 */
describe('Serving while Redis is away', () => {
  let proxy: TcpProxy;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomBytes(4).toString('hex');
  const definitionKey = `redis-outage-${suffix}`;

  beforeAll(async () => {
    const target = loadConfig().redis.url!;
    proxy = await TcpProxy.start(target);
    testApp = await createTestApp({
      probes: true,
      env: { REDIS_URL: proxy.route(target), REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) },
    });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(async () => {
    await testApp?.close();
    await proxy?.close();
  });

  const auth = async (name: string, roles: Role[] = []) => ({
    Authorization: `Bearer ${await dev.mint({ user: `${name}-${suffix}`, roles, stepUp: true })}`,
  });
  const logged = (msg: string) => testApp.logs.lines.filter((line) => line.msg === msg).length;
  const metric = async (name: string) =>
    Number(new RegExp(`^${name} (\\d+)`, 'm').exec((await http.get('/metrics')).text)?.[1]);

  /** The response and how long it took: a request served while Redis is cut must not wait for it. */
  const timed = async (pending: PromiseLike<request.Response>) => {
    const started = performance.now();
    const res = await pending;
    return { res, ms: performance.now() - started };
  };

  it('answers /v1/me, workflow starts and transitions, keyed writes and replays without waiting, then recovers', async () => {
    const admin = await auth('admin', ['admin']);
    const requester = await auth('requester', ['requester']);
    const published = await http
      .post('/v1/workflow-definitions')
      .set(admin)
      .send({
        key: definitionKey,
        title: 'Outage claim',
        states: [
          { name: 'draft', initial: true },
          { name: 'submitted', terminal: true },
        ],
        transitions: [{ name: 'submit', from: 'draft', to: 'submitted', role: 'requester' }],
      });
    expect(published.status).toBe(201);
    const before = await http.get('/v1/me').set(requester);
    expect(before.status).toBe(200);
    expect(await metric('redis_breaker_open')).toBe(0);

    await proxy.cut();
    await eventually(async () => expect(await metric('redis_breaker_open')).toBe(1));

    const slowest: number[] = [];
    const served = async (pending: PromiseLike<request.Response>, status: number) => {
      const { res, ms } = await timed(pending);
      expect(res.status).toBe(status);
      slowest.push(ms);
      return res;
    };

    const me = await served(http.get('/v1/me').set(requester), 200);
    expect(me.body).toEqual(before.body);
    // A caller never seen before is provisioned from PostgreSQL alone.
    await served(http.get('/v1/me').set(await auth('newcomer')), 200);

    const startKey = randomUUID();
    const start = () =>
      http.post('/v1/workflows').set(requester).set('Idempotency-Key', startKey).send({ definitionKey, data: {} });
    const started = await served(start(), 201);
    // The retry is answered from PostgreSQL's record: the same workflow, not a second one.
    const retried = await served(start(), 201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.id).toBe(started.body.id);

    const moved = await served(
      http
        .post(`/v1/workflows/${started.body.id}/transitions`)
        .set(requester)
        .set('Idempotency-Key', randomUUID())
        .send({ name: 'submit' }),
      200,
    );
    expect(moved.body.workflow.state).toBe('submitted');
    expect((await served(http.get(`/v1/workflows/${started.body.id}`).set(requester), 200)).body.state).toBe(
      'submitted',
    );
    await served(
      http.post('/v1/probes/notes').set(requester).set('Idempotency-Key', randomUUID()).send({ text: 'outage' }),
      201,
    );

    // Each served by the fallbacks, far below one Redis command timeout.
    expect(Math.max(...slowest)).toBeLessThan(COMMAND_TIMEOUT_MS / 2);

    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      checks: { database: 'up', redis: 'down' },
      degraded: { redis: expect.stringContaining('principal cache bypassed') },
    });
    // One line for the outage, none per request.
    expect(logged(BREAKER_OPEN_LOG)).toBe(1);
    expect(logged('Principal cache unavailable; reading the database')).toBe(0);
    expect(logged('Idempotency marker unavailable; relying on the database alone')).toBe(0);

    await proxy.restore();
    await eventually(async () => {
      expect(await metric('redis_breaker_open')).toBe(0);
      expect((await http.get('/health/ready')).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    });
    expect(logged(BREAKER_OPEN_LOG)).toBe(1);
    expect(logged(BREAKER_CLOSED_LOG)).toBe(1);
    // Written by the background probe, not on behalf of the request that first found Redis away.
    expect(testApp.logs.find((line) => line.msg === BREAKER_CLOSED_LOG)).not.toHaveProperty('requestId');

    // Redis serves again: the in-flight marker turns a concurrent duplicate away with 409 at once.
    const key = randomUUID();
    const duplicates = await Promise.all(
      [0, 1].map(() =>
        http.post('/v1/probes/notes?delayMs=300').set(requester).set('Idempotency-Key', key).send({ text: 'back' }),
      ),
    );
    expect(duplicates.map((res) => res.status).sort()).toEqual([201, 409]);
  });
});
