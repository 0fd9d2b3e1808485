import { createFlowgateClient, FlowgateClient, isProblem } from '@flowgate/sdk';
import { TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';
import { loadConfig } from '@flowgate/core';

/** The generated SDK against the running API: what a client team actually gets. */
describe('TypeScript SDK (generated from openapi.json)', () => {
  let testApp: TestApp;
  let client: FlowgateClient;

  beforeAll(async () => {
    testApp = await createTestApp();
    client = createFlowgateClient({ baseUrl: testApp.url });
  });

  afterAll(() => testApp.close());

  it('reads liveness and readiness', async () => {
    const live = await client.GET('/health/live');
    expect(live.data).toEqual({ status: 'ok' });
    const ready = await client.GET('/health/ready');
    expect(ready.response.status).toBe(200);
    expect(ready.data?.checks).toEqual({ database: 'up', redis: 'up' });
  });

  it('lists the problem types, one of them by code', async () => {
    const list = await client.GET('/v1/problem-types');
    expect(list.data?.value.map((type) => type.code)).toContain('validation_failed');
    const one = await client.GET('/v1/problem-types/{code}', { params: { path: { code: 'conflict' } } });
    expect(one.data).toEqual({
      code: 'conflict',
      status: 409,
      title: 'Conflict with the current state',
      type: 'https://flowgate.dev/problems/conflict',
    });
  });

  it('surfaces a 404 as a typed problem', async () => {
    const { data, error, response } = await client.GET('/v1/problem-types/{code}', {
      params: { path: { code: 'no_such_code' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(isProblem(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not_found', status: 404, requestId: response.headers.get('x-request-id') });
  });

  it('surfaces a wrong method as a 405 problem with Allow', async () => {
    const response = await fetch(`${testApp.url}/health/ready`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    const body: unknown = await response.json();
    expect(isProblem(body) && body.code).toBe('method_not_allowed');
  });
});

describe('TypeScript SDK when a dependency is down', () => {
  it('surfaces readiness 503 as a typed problem naming the dependency', async () => {
    const target = loadConfig().database.url!;
    const proxy = await TcpProxy.start(target);
    const testApp = await createTestApp({ env: { DATABASE_URL: proxy.route(target) } });
    try {
      const client = createFlowgateClient({ baseUrl: testApp.url });
      await proxy.cut();
      const { error, response } = await client.GET('/health/ready');
      expect(response.status).toBe(503);
      expect(error).toMatchObject({ code: 'dependency_unavailable', checks: { database: 'down', redis: 'up' } });
    } finally {
      await testApp.close();
      await proxy.close();
    }
  });
});
