import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { eventually, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const COMMAND_TIMEOUT_MS = 1_000;
const BREAKER_OPEN_LOG = 'Redis unavailable: circuit breaker open, Redis calls fail at once and the fallbacks serve';
const BREAKER_CLOSED_LOG = 'Redis available again: circuit breaker closed';

/**
 * A Redis that stops answering while its connection stays open (a network partition, a hung
 * server) is noticed by a command timeout, not by a lost connection: the first calls wait for
 * REDIS_COMMAND_TIMEOUT_MS, open the circuit breaker, and from then on nothing waits for Redis.
 * The breaker's PING probe closes it once Redis answers on the same connection again.
 * (A file of its own: the log capture belongs to the first app built in a test file.)
 */
describe('Redis that stops answering', () => {
  let proxy: TcpProxy;
  let testApp: TestApp;

  beforeAll(async () => {
    const target = loadConfig().redis.url!;
    proxy = await TcpProxy.start(target);
    testApp = await createTestApp({
      env: { REDIS_URL: proxy.route(target), REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) },
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await proxy?.close();
  });

  const logged = (msg: string) => testApp.logs.lines.filter((line) => line.msg === msg).length;

  it('opens the breaker on a command timeout, then serves without waiting, and closes when Redis answers', async () => {
    const http = request(testApp.app.getHttpServer());
    const caller = {
      Authorization: `Bearer ${await testApp.app.get(DevIdentityProvider).mint({ user: `stalled-${randomUUID()}` })}`,
    };
    expect((await http.get('/v1/me').set(caller)).status).toBe(200);

    proxy.stall();
    // The first request's Redis calls wait for their timeout, which opens the breaker...
    expect((await http.get('/v1/me').set(caller)).status).toBe(200);
    expect(logged(BREAKER_OPEN_LOG)).toBe(1);
    // ...after which no request waits for Redis: each is far quicker than one command timeout.
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      expect((await http.get('/v1/me').set(caller)).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS);
    }
    expect((await http.get('/health/ready')).body).toMatchObject({ status: 'degraded', checks: { redis: 'down' } });

    await proxy.restore();
    await eventually(async () => expect(logged(BREAKER_CLOSED_LOG)).toBe(1));
    expect(logged(BREAKER_OPEN_LOG)).toBe(1);
    await eventually(async () =>
      expect((await http.get('/health/ready')).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } }),
    );
  });
});
