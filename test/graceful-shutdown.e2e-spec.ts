import { DataSource } from 'typeorm';
import { TcpProxy } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';
import { loadConfig, RedisConnection } from '@flowgate/core';

describe('Graceful shutdown', () => {
  it('lets in-flight requests finish, refuses new connections, then closes PostgreSQL and Redis', async () => {
    const testApp = await createTestApp({ probes: true, env: { HTTP_SHUTDOWN_DRAIN_MS: '5000' } });
    const dataSource = testApp.app.get(DataSource);
    const redis = testApp.app.get(RedisConnection).client!;

    const inFlight = fetch(`${testApp.url}/v1/probes/slow?ms=700`);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the request is now being handled
    const closing = testApp.close();
    await new Promise((resolve) => setTimeout(resolve, 100));

    await expect(fetch(`${testApp.url}/health/live`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waitedMs: 700 });

    await closing;
    expect(dataSource.isInitialized).toBe(false);
    expect(redis.status).toBe('end');
  });

  it('cuts requests that outlive the drain budget instead of hanging', async () => {
    const testApp = await createTestApp({ probes: true, env: { HTTP_SHUTDOWN_DRAIN_MS: '200' } });
    const slow = fetch(`${testApp.url}/v1/probes/slow?ms=5000`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await testApp.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await slow).toBe('cut');
  });

  it('closes promptly while Redis is unreachable', async () => {
    const target = loadConfig().redis.url!;
    const proxy = await TcpProxy.start(target);
    const testApp = await createTestApp({ env: { REDIS_URL: proxy.route(target) } });
    try {
      await proxy.cut();
      const started = Date.now();
      await testApp.close();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(testApp.app.get(RedisConnection).client!.status).toBe('end');
    } finally {
      await proxy.close();
    }
  });
});
