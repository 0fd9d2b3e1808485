import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleave, Target } from './support/measure';

/**
 * Redis is a soft dependency (ADR 9): while it is away, requests must be served by the
 * fallbacks, not wait for Redis. Two apps on the same PostgreSQL: one on Redis directly
 * (baseline), one whose Redis is cut by a TCP proxy for the whole suite. Measured on the
 * authenticated read every request shares (`GET /v1/me`: principal cache, rate limits) and on
 * a keyed write (`POST /v1/probes/notes` with a fresh `Idempotency-Key`: in-flight marker too).
 */
describe('Redis outage', () => {
  const settings = benchSettings();
  let up: TestApp;
  let down: TestApp;
  let proxy: TcpProxy;
  let auth: string;

  beforeAll(async () => {
    const redisUrl = loadConfig().redis.url!;
    proxy = await TcpProxy.start(redisUrl);
    // Logging at warn, as in the idempotency suite: what the outage itself logs per request counts.
    up = await createTestApp({ probes: true, env: { LOG_LEVEL: 'warn' } });
    down = await createTestApp({ probes: true, env: { LOG_LEVEL: 'warn', REDIS_URL: proxy.route(redisUrl) } });
    await proxy.cut();
    auth = `Bearer ${await up.app.get(DevIdentityProvider).mint({ user: 'bench-outage' })}`;
  });

  afterAll(async () => {
    await up?.close();
    await down?.close();
    await proxy?.close();
  });

  it(
    'GET /v1/me and a keyed POST with Redis up vs cut',
    async () => {
      const read = (app: TestApp, name: string): Target => ({
        name,
        url: `${app.url}/v1/me`,
        headers: { Authorization: auth },
      });
      const write = (app: TestApp, name: string): Target => ({
        name,
        url: `${app.url}/v1/probes/notes`,
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json', 'Idempotency-Key': '[<id>]' },
        body: JSON.stringify({ text: 'bench outage note' }),
        idReplacement: true,
      });
      const targets = [
        read(up, 'GET /v1/me, Redis up'),
        read(down, 'GET /v1/me, Redis cut'),
        write(up, 'keyed POST, Redis up'),
        write(down, 'keyed POST, Redis cut'),
      ];
      const results = await interleave(targets, settings, {
        afterRun: () => [up, down].forEach((app) => app.logs.lines.splice(0)),
      });
      const [readUp, readDown, writeUp, writeDown] = results;
      compare(readUp, [readDown], 'GET /v1/me during a Redis outage');
      compare(writeUp, [writeDown], 'Keyed POST during a Redis outage');

      for (const result of results) expect(result.errors).toBe(0);
      for (const result of [readUp, readDown]) expect(Object.keys(result.statusCodes)).toEqual(['200']);
      for (const result of [writeUp, writeDown]) expect(Object.keys(result.statusCodes)).toEqual(['201']);
    },
    suiteTimeoutMs(settings, 4),
  );
});
