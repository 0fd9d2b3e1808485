import request from 'supertest';
import { eventually, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';
import { loadConfig } from '@flowgate/core';

describe('Health probes', () => {
  it('live answers 200 and ready reports both dependencies up', async () => {
    const testApp = await createTestApp();
    try {
      const http = request(testApp.app.getHttpServer());
      const live = await http.get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    } finally {
      await testApp.close();
    }
  });

  describe.each([
    ['database', 'DATABASE_URL'],
    ['redis', 'REDIS_URL'],
  ] as const)('when the %s connection is cut', (dependency, variable) => {
    let proxy: TcpProxy;
    let testApp: TestApp;

    beforeAll(async () => {
      const target = (variable === 'DATABASE_URL' ? loadConfig().database.url : loadConfig().redis.url)!;
      proxy = await TcpProxy.start(target);
      testApp = await createTestApp({ env: { [variable]: proxy.route(target) } });
    });

    afterAll(async () => {
      await testApp.close();
      await proxy.close();
    });

    // PostgreSQL is needed by every request: not ready. Redis is not: ready, but degraded.
    const expectedWhileCut =
      dependency === 'database'
        ? {
            status: 503,
            body: { code: 'dependency_unavailable', status: 503, checks: { database: 'down', redis: 'up' } },
          }
        : { status: 200, body: { status: 'degraded', checks: { database: 'up', redis: 'down' } } };

    it(`ready answers ${expectedWhileCut.status} naming it, live stays 200, and ready recovers`, async () => {
      const http = request(testApp.app.getHttpServer());
      await eventually(async () => expect((await http.get('/health/ready')).status).toBe(200));

      await proxy.cut();
      await eventually(async () => {
        const res = await http.get('/health/ready');
        expect(res.status).toBe(expectedWhileCut.status);
        expect(res.body).toMatchObject(expectedWhileCut.body);
        if (res.status === 503) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        // Public endpoint: addresses and driver messages stay in the logs.
        expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONN/);
      });
      expect((await http.get('/health/live')).status).toBe(200);

      await proxy.restore();
      await eventually(async () => {
        const res = await http.get('/health/ready');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
      });
    });
  });
});

describe('GET /metrics', () => {
  it('exposes the request histogram by route template and status, and process metrics', async () => {
    const testApp = await createTestApp();
    try {
      const http = request(testApp.app.getHttpServer());
      await http.get('/v1/problem-types/validation_failed');
      await http.get('/v1/problem-types/nope');
      await http.get('/v1/unknown/path/123');
      const res = await http.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain(
        'http_request_duration_seconds_count{method="GET",route="/v1/problem-types/:code",status_code="200"} 1',
      );
      expect(res.text).toContain(
        'http_request_duration_seconds_count{method="GET",route="/v1/problem-types/:code",status_code="404"} 1',
      );
      expect(res.text).toContain(
        'http_request_duration_seconds_count{method="GET",route="<unmatched>",status_code="404"} 1',
      );
      expect(res.text).not.toContain('/v1/unknown/path/123');
      expect(res.text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    } finally {
      await testApp.close();
    }
  });
});
