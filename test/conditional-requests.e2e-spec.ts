import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * Conditional GETs and caching (docs/api/conventions.md): every resource with an ETag answers
 * `If-None-Match` with 304 (weak comparison, lists, `*`), with no body and the same ETag, after
 * the usual authorization; every successful GET says what caches may do with it.
 */
describe('Conditional requests and Cache-Control', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomBytes(4).toString('hex');
  const definitionKey = `cond-${suffix}`;
  let admin: Record<string, string>;
  let requester: Record<string, string>;
  let outsider: Record<string, string>;
  let workflowPath: string;
  let userPath: string;

  const as = async (name: string, roles: Role[]) => {
    const token = await dev.mint({ user: `cond-${name}-${suffix}`, roles, stepUp: true });
    return { Authorization: `Bearer ${token}` };
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
    admin = await as('admin', ['admin']);
    requester = await as('requester', ['requester']);
    outsider = await as('outsider', ['viewer']);
    const published = await http
      .post('/v1/workflow-definitions')
      .set(admin)
      .send({
        key: definitionKey,
        title: 'Conditional',
        states: [
          { name: 'open', initial: true },
          { name: 'done', terminal: true },
        ],
        transitions: [{ name: 'close', from: 'open', to: 'done', role: 'requester' }],
      });
    expect(published.status).toBe(201);
    const started = await http
      .post('/v1/workflows')
      .set(requester)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey });
    expect(started.status).toBe(201);
    workflowPath = `/v1/workflows/${started.body.id}`;
    const me = await http.get('/v1/me').set(requester).expect(200);
    userPath = `/v1/users/${me.body.id}`;
  });

  afterAll(() => testApp?.close());

  const resources = () =>
    [
      ['a user', userPath, admin, 'private, no-cache'],
      ['a workflow', workflowPath, requester, 'private, no-cache'],
      ['the latest definition', `/v1/workflow-definitions/${definitionKey}`, requester, 'private, no-cache'],
      [
        'a definition version',
        `/v1/workflow-definitions/${definitionKey}/versions/1`,
        requester,
        'private, max-age=86400, immutable',
      ],
    ] as const;

  it.each([0, 1, 2, 3])('resource %#: 304 with no body and the same ETag and Cache-Control', async (index) => {
    const [, path, auth, cacheControl] = resources()[index];
    const full = await http.get(path).set(auth);
    expect(full.status).toBe(200);
    const etag = full.headers.etag;
    expect(etag).toMatch(/^"\d+"$/);
    expect(full.headers['cache-control']).toBe(cacheControl);

    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, `"nope",W/${etag}`, '*']) {
      const res = await http.get(path).set(auth).set('If-None-Match', header);
      expect({ header, status: res.status }).toEqual({ header, status: 304 });
      expect(res.text ?? '').toBe('');
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe(cacheControl);
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.headers['x-request-id']).toBeDefined();
    }
    const head = await http.head(path).set(auth).set('If-None-Match', etag);
    expect(head.status).toBe(304);

    for (const header of ['"nope"', etag.replace(/"$/, '0"'), etag.replace(/"/g, '')]) {
      const res = await http.get(path).set(auth).set('If-None-Match', header);
      expect({ header, status: res.status }).toEqual({ header, status: 200 });
      expect(res.body).toEqual(full.body);
    }
  });

  it('answers a stale tag with the new representation once the resource changed', async () => {
    const before = await http.get(workflowPath).set(requester).expect(200);
    await http
      .post(`${workflowPath}/transitions`)
      .set(requester)
      .set('Idempotency-Key', randomUUID())
      .send({ name: 'close' })
      .expect(200);
    const after = await http.get(workflowPath).set(requester).set('If-None-Match', before.headers.etag);
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.state).toBe('done');
  });

  it('decides visibility before the precondition: a tag guessed for an instance one may not see is a 404', async () => {
    const res = await http.get(workflowPath).set(outsider).set('If-None-Match', '*');
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['/v1/workflows', 'no-store'],
    ['/v1/me', 'no-store'],
    ['/v1/problem-types', 'public, max-age=3600'],
  ])('GET %s without an ETag says %j and ignores If-None-Match', async (path, cacheControl) => {
    const res = await http.get(path).set(requester).set('If-None-Match', '*');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe(cacheControl);
    expect(res.headers.etag).toBeUndefined();
  });

  it('never sends 304 for a write, whatever If-None-Match says', async () => {
    const res = await http
      .post('/v1/workflows')
      .set(requester)
      .set('Idempotency-Key', randomUUID())
      .set('If-None-Match', '*')
      .send({ definitionKey });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBeUndefined();
  });
});
