import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/** The headers the API itself sends and documents (the security headers every response shares aside). */
const API_HEADERS = [
  'x-request-id',
  'cache-control',
  'etag',
  'location',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'idempotent-replayed',
  'www-authenticate',
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const NOBODY = '00000000-0000-4000-8000-000000000000';
const WEBHOOK_SUBSCRIPTION = {
  url: 'http://127.0.0.1:9/hooks',
  eventTypes: ['workflow.completed'],
  definitionKeys: ['none-such'],
};

interface Parameter {
  readonly name: string;
  readonly in: string;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: Parameter[];
  readonly requestBody?: unknown;
  readonly responses: Record<string, { headers?: Record<string, unknown> }>;
  readonly 'x-etag'?: boolean;
  readonly 'x-idempotency'?: unknown;
  readonly security?: unknown[];
}

interface Route {
  readonly method: (typeof METHODS)[number];
  readonly path: string;
  readonly operation: Operation;
}

interface Sent {
  readonly route: Route;
  readonly variant: string;
  readonly status: number;
  readonly headers: Headers;
}

/**
 * The contract says every header the server sends: real requests to every operation of the
 * served document (a success, a replay, a conditional GET, without a token, for a resource that
 * does not exist, with a malformed id, over a rate limit), and for each answer, every one of the
 * API's own headers it carries must be declared for that operation and status. A route that
 * starts sending a header (or a status) its decorators do not declare fails here.
 */
describe('OpenAPI: every header the server sends is documented', () => {
  let testApp: TestApp;
  let routes: Route[];
  const suffix = randomBytes(4).toString('hex');
  const definitionKey = `hdr-${suffix}`;
  const ids: Record<string, string> = {};
  let admin: string;
  const sent: Sent[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({ env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' } });
    const dev = testApp.app.get(DevIdentityProvider);
    admin = `Bearer ${await dev.mint({ user: `hdr-admin-${suffix}`, roles: ['admin', 'auditor'], stepUp: true })}`;
    const target = `Bearer ${await dev.mint({ user: `hdr-target-${suffix}` })}`;
    ids.user = ((await (await call('GET', '/v1/me', { Authorization: target })).json()) as { id: string }).id;
    const published = await call(
      'POST',
      '/v1/workflow-definitions',
      { Authorization: admin },
      definition(definitionKey),
    );
    expect(published.status).toBe(201);
    const started = await call(
      'POST',
      '/v1/workflows',
      { Authorization: admin, 'Idempotency-Key': randomUUID() },
      { definitionKey },
    );
    ids.workflow = ((await started.json()) as { id: string }).id;
    const events = await call('GET', '/v1/audit-events?top=1', { Authorization: admin });
    ids.auditEvent = ((await events.json()) as { value: { id: string }[] }).value[0].id;
    const subscribed = await call('POST', '/v1/webhook-subscriptions', { Authorization: admin }, WEBHOOK_SUBSCRIPTION);
    ids.webhookSubscription = ((await subscribed.json()) as { id: string }).id;
    // A dead letter to redeliver (no worker runs here to make one).
    const [delivery] = await testApp.app.get(DataSource).query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (subscription_id, outbox_event_id, message_id, event_type, aggregate_id, body, status)
       VALUES ($1, 0, 'msg_0', 'workflow.started', $2, '{}', 'dead') RETURNING id`,
      [ids.webhookSubscription, ids.workflow],
    );
    ids.webhookDelivery = delivery.id;

    const document = (await (await fetch(`${testApp.url}/openapi.json`)).json()) as {
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
    );
    routes.sort((a, b) => rank(a) - rank(b));
  });

  afterAll(() => testApp?.close());

  function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
    return fetch(`${testApp.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  function definition(key: string) {
    return {
      key,
      title: 'Headers',
      states: [
        { name: 'open', initial: true },
        { name: 'done', terminal: true },
      ],
      transitions: [{ name: 'close', from: 'open', to: 'done' }],
    };
  }

  /** Assignments in an order that lets each succeed once; the transition that ends the workflow last. */
  function rank(route: Route): number {
    const order = [
      'WorkflowAssignments_claim',
      'WorkflowAssignments_delegate',
      'WorkflowAssignments_unassign',
      'WorkflowAssignments_assign',
      'Workflows_take',
      'WebhookSubscriptions_delete',
    ];
    const index = order.indexOf(route.operation.operationId);
    return index === -1 ? (route.method === 'get' ? 0 : 1) : 10 + index;
  }

  function pathFor(route: Route, override?: string): string {
    return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (override !== undefined && (name === 'id' || name === 'userId')) return override;
      switch (name) {
        case 'id':
          return route.path.startsWith('/v1/users')
            ? ids.user
            : route.path.startsWith('/v1/audit-events')
              ? ids.auditEvent
              : route.path.startsWith('/v1/webhook-subscriptions')
                ? ids.webhookSubscription
                : ids.workflow;
        case 'userId':
          return ids.user;
        case 'deliveryId':
          return ids.webhookDelivery;
        case 'key':
          return definitionKey;
        case 'version':
          return '1';
        case 'code':
          return 'conflict';
        case 'role':
          return 'viewer';
        default:
          throw new Error(`No value for path parameter ${name} of ${route.path}`);
      }
    });
  }

  function bodyFor(route: Route): unknown {
    switch (route.operation.operationId) {
      case 'WorkflowDefinitions_publish':
        return definition(`hdr-${suffix}-${randomBytes(2).toString('hex')}`);
      case 'Workflows_start':
        return { definitionKey };
      case 'Workflows_take':
        return { name: 'close' };
      case 'Users_update':
        return { status: 'active' };
      case 'WebhookSubscriptions_create':
        return WEBHOOK_SUBSCRIPTION;
      case 'WebhookSubscriptions_update':
        return { description: `changed ${randomUUID()}` };
      case 'WorkflowAssignments_delegate':
        return { to: ids.user };
      default:
        return route.operation.requestBody ? {} : undefined;
    }
  }

  const takes = (route: Route, name: string) => route.operation.parameters?.some((p) => p.name === name) ?? false;

  async function send(
    route: Route,
    variant: string,
    request: { path?: string; headers?: Record<string, string>; body?: unknown },
  ): Promise<Response> {
    const res = await call(
      route.method.toUpperCase(),
      request.path ?? pathFor(route),
      request.headers ?? {},
      request.body,
    );
    await res.arrayBuffer();
    sent.push({ route, variant, status: res.status, headers: res.headers });
    return res;
  }

  it('sends every operation its requests and records the answers', async () => {
    for (const route of routes) {
      const isPublic = Array.isArray(route.operation.security) && route.operation.security.length === 0;
      const headers: Record<string, string> = isPublic ? {} : { Authorization: admin };
      if (takes(route, 'Idempotency-Key')) headers['Idempotency-Key'] = randomUUID();
      if (route.operation.operationId === 'Users_update') {
        headers['If-Match'] = (await call('GET', `/v1/users/${ids.user}`, { Authorization: admin })).headers.get(
          'etag',
        )!;
      }
      if (route.operation.operationId === 'WebhookSubscriptions_update') {
        const path = `/v1/webhook-subscriptions/${ids.webhookSubscription}`;
        headers['If-Match'] = (await call('GET', path, { Authorization: admin })).headers.get('etag')!;
      }
      const body = bodyFor(route);
      const first = await send(route, 'as documented', { headers, body });
      if (takes(route, 'Idempotency-Key') && first.ok) await send(route, 'replayed', { headers, body });
      const etag = first.headers.get('etag');
      if (route.method === 'get' && etag) {
        await send(route, 'If-None-Match', { headers: { ...headers, 'If-None-Match': etag } });
      }
      if (!isPublic) await send(route, 'without a token', { body });
      if (/\{(id|userId)\}/.test(route.path)) {
        await send(route, 'nothing there', { path: pathFor(route, NOBODY), headers: { ...headers }, body });
        await send(route, 'malformed id', { path: pathFor(route, 'not-a-uuid'), headers: { ...headers }, body });
      }
    }
    expect(sent.length).toBeGreaterThan(routes.length * 2);
  });

  it('answered each operation with a success at least once, 304 and replays included', () => {
    // A redirect is the sign-in routes' success. The callback's needs a code from a real sign-in:
    // test/browser/browser-sign-in.e2e-spec.ts walks it; here it answers its documented 400.
    const succeeded = new Set(
      sent.filter((s) => s.status < 300 || s.status === 302).map((s) => s.route.operation.operationId),
    );
    const needsSignIn = new Set(['BrowserAuth_callback']);
    expect(
      routes.map((route) => route.operation.operationId).filter((id) => !succeeded.has(id) && !needsSignIn.has(id)),
    ).toEqual([]);
    expect(sent.filter((s) => s.status === 304).length).toBe(
      routes.filter((route) => route.method === 'get' && route.operation['x-etag']).length,
    );
    expect(sent.filter((s) => s.headers.get('idempotent-replayed') === 'true').length).toBeGreaterThanOrEqual(5);
  });

  it('documents every status answered and every API header sent with it', () => {
    const undocumented = sent.flatMap(({ route, variant, status, headers }) => {
      const responses = route.operation.responses;
      const documented = responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default;
      const where = `${route.method.toUpperCase()} ${route.path} (${variant}) → ${status}`;
      if (!documented) return [`${where}: status not documented`];
      const declared = new Set(Object.keys(documented.headers ?? {}).map((name) => name.toLowerCase()));
      return API_HEADERS.filter((name) => headers.has(name) && !declared.has(name)).map(
        (name) => `${where}: sends ${name}, not declared`,
      );
    });
    expect(undocumented).toEqual([]);
  });

  it('documents the headers of a 429', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_PRINCIPAL: '1/60s' } });
    try {
      const token = `Bearer ${await limited.app.get(DevIdentityProvider).mint({ user: `hdr-limited-${suffix}` })}`;
      const route = routes.find((r) => r.operation.operationId === 'Me_me')!;
      const statuses: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${limited.url}/v1/me`, { headers: { Authorization: token } });
        statuses.push(res.status);
        const declared = Object.keys(route.operation.responses[String(res.status)]?.headers ?? {}).map((name) =>
          name.toLowerCase(),
        );
        expect(API_HEADERS.filter((name) => res.headers.has(name) && !declared.includes(name))).toEqual([]);
      }
      expect(statuses).toEqual([200, 429]);
    } finally {
      await limited.close();
    }
  });
});
