import { join } from 'node:path';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import {
  createFlowgateClient,
  FlowgateClient,
  FlowgateProblem,
  idempotencyKey,
  ifMatch,
  isProblem,
  unwrap,
} from '@flowgate/sdk';
import { TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/** The generated SDK against the running API: what a client team actually gets. */
describe('TypeScript SDK (generated from openapi.json)', () => {
  let testApp: TestApp;
  let client: FlowgateClient;

  beforeAll(async () => {
    testApp = await createTestApp();
    client = createFlowgateClient({ baseUrl: testApp.url });
  });

  afterAll(() => testApp.close());

  it('is the package as built and shipped (its exports), not the sources', () => {
    expect(require.resolve('@flowgate/sdk')).toBe(join(__dirname, '..', 'libs', 'sdk', 'dist', 'index.js'));
  });

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

describe('TypeScript SDK helpers for the contract: ETag and If-Match, Idempotency-Key, problems', () => {
  let testApp: TestApp;
  let admin: FlowgateClient;
  let userId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    const dev = testApp.app.get(DevIdentityProvider);
    const suffix = Math.random().toString(36).slice(2, 10);
    admin = createFlowgateClient({
      baseUrl: testApp.url,
      token: await dev.mint({ user: `sdk-admin-${suffix}`, roles: ['admin'], stepUp: true }),
    });
    const other = createFlowgateClient({
      baseUrl: testApp.url,
      token: await dev.mint({ user: `sdk-other-${suffix}`, roles: ['viewer'] }),
    });
    userId = (await unwrap(other.GET('/v1/me'))).id;
  });

  afterAll(() => testApp.close());

  it('writes with the ETag it read; a stale one is a 412 FlowgateProblem whose currentETag makes the retry', async () => {
    const read = await admin.GET('/v1/users/{id}', { params: { path: { id: userId } } });
    const path = { id: userId };

    const suspended = await unwrap(
      admin.PATCH('/v1/users/{id}', {
        params: { path, header: ifMatch(read.response) },
        body: { status: 'suspended' },
      }),
    );
    expect(suspended.status).toBe('suspended');

    const stale = await unwrap(
      admin.PATCH('/v1/users/{id}', { params: { path, header: ifMatch(read.response) }, body: { status: 'active' } }),
    ).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(FlowgateProblem);
    const problem = stale as FlowgateProblem;
    expect(problem).toMatchObject({ status: 412, code: 'precondition_failed', currentETag: expect.any(String) });
    expect(problem.requestId).toBe(problem.response.headers.get('x-request-id'));

    const active = await unwrap(
      admin.PATCH('/v1/users/{id}', {
        params: { path, header: ifMatch(problem.currentETag) },
        body: { status: 'active' },
      }),
    );
    expect(active.status).toBe('active');
  });

  it('sends one Idempotency-Key per intended change: a retry with it gets the first answer back', async () => {
    const change = idempotencyKey();
    const params = { path: { id: userId }, header: change };

    const first = await admin.POST('/v1/users/{id}/revoke-sessions', { params });
    const retry = await admin.POST('/v1/users/{id}/revoke-sessions', { params });
    const another = await admin.POST('/v1/users/{id}/revoke-sessions', {
      params: { path: { id: userId }, header: idempotencyKey() },
    });

    expect(first.response.status).toBe(200);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    expect(another.response.headers.get('idempotent-replayed')).toBeNull();
  });

  it('throws a typed problem from unwrap, the same one FlowgateProblem.from makes of a returned error', async () => {
    const call = () => admin.GET('/v1/problem-types/{code}', { params: { path: { code: 'no_such_code' } } });

    const thrown = await unwrap(call()).catch((error: unknown) => error);
    const { error, response } = await call();
    const returned = FlowgateProblem.from(error, response);

    for (const problem of [thrown, returned]) {
      expect(problem).toBeInstanceOf(FlowgateProblem);
      expect(problem).toMatchObject({
        status: 404,
        code: 'not_found',
        type: 'https://flowgate.dev/problems/not-found',
      });
    }
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
