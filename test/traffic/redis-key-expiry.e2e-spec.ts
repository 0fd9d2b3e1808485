import request from 'supertest';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Redis holds rebuildable state only, and none of it may outlive its use: every key the app
 * writes carries an expiry. Fencing counters used to be kept forever, one per idempotency key
 * ever sent (18,854 after one test run). The app gets a key prefix of its own, so that the scan
 * sees its keys only.
 */
describe('Redis keys written while serving', () => {
  const { url, keyPrefix: runPrefix } = loadConfig().redis;
  const keyPrefix = `${runPrefix}expiry-${randomUUID().slice(0, 8)}:`;
  let testApp: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true, env: { REDIS_KEY_PREFIX: keyPrefix } });
    redis = new Redis(url!);
  });

  afterAll(async () => {
    await testApp.close();
    await redis.quit();
  });

  it('all have an expiry after keyed requests, replays, conflicts, reads and denials', async () => {
    const http = request(testApp.app.getHttpServer());
    const dev = testApp.app.get(DevIdentityProvider);
    const auth = `Bearer ${await dev.mint({ user: `expiry-${randomUUID()}` })}`;
    const post = (key: string, text: string, query = '') =>
      http.post(`/v1/probes/notes${query}`).set('Authorization', auth).set('Idempotency-Key', key).send({ text });

    const keys = Array.from({ length: 30 }, () => randomUUID());
    for (const key of keys) expect((await post(key, `note ${key}`)).status).toBe(201);
    expect((await post(keys[0], `note ${keys[0]}`)).headers['idempotent-replayed']).toBe('true');
    const held = randomUUID();
    const statuses = await Promise.all([post(held, 'held', '?delayMs=300'), post(held, 'held', '?delayMs=300')]);
    expect(statuses.map((res) => res.status).sort()).toEqual([201, 409]);
    expect((await http.get('/v1/me').set('Authorization', auth)).status).toBe(200);
    expect((await http.get('/v1/users').set('Authorization', auth)).status).toBe(403);

    const written = await redis.keys(`${keyPrefix}*`);
    // Markers, fences, rate-limit counters, the principal cache and the denial counter.
    expect(written.some((key) => key.includes('idempotency'))).toBe(true);
    expect(written.some((key) => key.endsWith(':fence'))).toBe(true);
    const ttls = await Promise.all(written.map((key) => redis.pttl(key)));
    expect(written.filter((_key, index) => ttls[index] < 0)).toEqual([]);
  });
});
