import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { loadConfigOverriding } from '@flowgate/core';
import { TestApp, accountsFor, SignIn, TestAccount, expectProblem, pointersOf } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import {
  ACCESS_REQUEST_DEFINITION,
  PURCHASE_REQUEST_DEFINITION,
  toMermaid,
  validateDefinition,
  type WorkflowDefinitionDocument,
} from '@flowgate/workflows';

/**
 * Publishing and reading workflow definitions (docs/workflows.md "API: definitions"). The database
 * is shared by the whole run, so every definition key carries this file's random suffix.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Summary {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  readonly description?: string;
  readonly publishedAt: string;
  readonly publishedBy: string | null;
}

/** A small valid document: draft → submitted → approved | rejected. */
function documentFor(key: string, title = 'Expense claim'): WorkflowDefinitionDocument {
  return {
    key,
    title,
    description: 'Manager approval of an expense claim.',
    dataSchema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    states: [
      { name: 'draft', title: 'Draft', initial: true },
      { name: 'submitted', title: 'Awaiting approval' },
      { name: 'approved', terminal: true },
      { name: 'rejected', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
      { name: 'approve', from: 'submitted', to: 'approved', role: 'approver', stepUp: true, quorum: 2 },
      { name: 'reject', from: ['draft', 'submitted'], to: 'rejected', role: 'approver', timer: 'P30D' },
    ],
  };
}

describe('Workflow definitions', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let account: SignIn;
  let admin: TestAccount;
  let viewer: TestAccount;
  const suffix = randomBytes(4).toString('hex');
  let counter = 0;
  /** A key no other test (of this file or the run) uses. */
  const newKey = (name = 'def') => `${name}-${suffix}-${++counter}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    account = accountsFor(testApp, 'defs');
    admin = await account('admin', ['admin']);
    viewer = await account('viewer', ['viewer'], { stepUp: false });
  });

  afterAll(() => testApp?.close());

  const publish = (body: unknown, as: TestAccount = admin) =>
    http
      .post('/v1/workflow-definitions')
      .set(as.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  describe('publishing', () => {
    it('publishes version 1: 201, Location, ETag and the normalised definition', async () => {
      const key = newKey();
      const res = await publish(documentFor(key));
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`${testApp.url}/v1/workflow-definitions/${key}/versions/1`);
      expect(res.headers.etag).toBe('"1"');
      const { definition } = validateDefinition(documentFor(key)) as { definition: unknown };
      expect(res.body).toEqual({
        key,
        version: 1,
        title: 'Expense claim',
        description: 'Manager approval of an expense claim.',
        publishedAt: expect.stringMatching(ISO_MILLIS),
        publishedBy: admin.id,
        definition: JSON.parse(JSON.stringify(definition)),
      });
      // Normalised: `from` always a list, defaults filled in.
      expect(res.body.definition.transitions[0]).toEqual({
        name: 'submit',
        from: ['draft'],
        to: 'submitted',
        role: 'requester',
        stepUp: false,
        separationOfDuties: { notInitiator: false, notPreviousActorOf: [] },
        quorum: 1,
      });
      const read = await http.get(new URL(res.headers.location).pathname).set(viewer.auth).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it('publishes the same key again as version 2, leaving version 1 as it was', async () => {
      const key = newKey();
      const first = await publish(documentFor(key, 'First title')).expect(201);
      const second = await publish(documentFor(key, 'Second title')).expect(201);
      expect(second.body).toMatchObject({ key, version: 2, title: 'Second title' });
      expect(second.headers.location).toBe(`${testApp.url}/v1/workflow-definitions/${key}/versions/2`);

      const v1 = await http.get(`/v1/workflow-definitions/${key}/versions/1`).set(viewer.auth).expect(200);
      expect(v1.body).toEqual(first.body);
      expect(v1.headers.etag).toBe('"1"');
    });

    it('answers a document with several violations with 400 listing every one under /body', async () => {
      const key = newKey();
      const document = {
        key,
        title: '',
        colour: 'blue',
        states: [{ name: 'draft', initial: true }, { name: 'Done', terminal: true }, { name: 'orphan' }],
        transitions: [
          { name: 'finish', from: 'draft', to: 'done', role: 'boss', quorum: 0 },
          { name: 'finish', from: 'nowhere', to: 'Done' },
        ],
      };
      const res = await publish(document);
      expectProblem(res, 400, 'validation_failed');
      const verdict = validateDefinition(document);
      expect(verdict.valid).toBe(false);
      const violations = verdict.valid ? [] : verdict.violations;
      expect(violations.length).toBeGreaterThanOrEqual(6);
      expect(res.body.errors).toEqual(
        violations.map(({ pointer, code, detail }) => ({ pointer: `/body${pointer}`, code, detail })),
      );
      expect(pointersOf(res)).toEqual(
        expect.arrayContaining(['/body/title', '/body/colour', '/body/transitions/0/role', '/body/transitions/1/name']),
      );
      // Nothing was published.
      await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(404);
    });

    it.each([
      ['an array', [documentFor('never-published')]],
      ['an empty array', []],
    ])('answers a body that is %s with 400 invalid_type at /body', async (_, body) => {
      const res = await publish(body);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([{ pointer: '/body', code: 'invalid_type', detail: expect.any(String) }]);
    });

    it('answers a missing body with 400 at /body', async () => {
      const res = await http.post('/v1/workflow-definitions').set(admin.auth);
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toEqual(['/body']);
    });

    it('answers a JSON scalar body with 400 (the strict JSON parser refuses it)', async () => {
      const res = await publish('a string');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('refuses non-admins with 403, even with step-up', async () => {
      const approver = await account('approver', ['approver']);
      const res = await publish(documentFor(newKey()), approver);
      expectProblem(res, 403, 'insufficient_role');
      expect(res.body.requiredRole).toBe('admin');
    });

    it('challenges an admin without step-up with 401 step_up_required', async () => {
      const unstepped = await account('admin-nostepup', ['admin'], { stepUp: false });
      const key = newKey();
      const res = await publish(documentFor(key), unstepped);
      expectProblem(res, 401, 'step_up_required');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(404);
    });

    it('replays a publish retried with the same Idempotency-Key instead of adding a version', async () => {
      const key = newKey();
      const idempotencyKey = `publish-${key}`;
      const first = await publish(documentFor(key)).set('Idempotency-Key', idempotencyKey).expect(201);
      const retry = await publish(documentFor(key)).set('Idempotency-Key', idempotencyKey).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.body).toEqual(first.body);
      const latest = await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(200);
      expect(latest.body.version).toBe(1);
    });

    it('gives concurrent publishes of one key distinct, consecutive versions (never a 500)', async () => {
      const key = newKey('race');
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => publish(documentFor(key, `Concurrent ${i}`))),
      );
      expect(results.map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);
      const versions = results.map((res) => res.body.version as number).sort((a, b) => a - b);
      expect(versions).toEqual([1, 2, 3, 4, 5]);
      const latest = await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(200);
      expect(latest.body.version).toBe(5);
    });

    it('records workflow_definition.published in the audit trail', async () => {
      const key = newKey();
      await publish(documentFor(key)).set('X-Request-Id', `publish-${key}`).expect(201);
      const auditor = await account('auditor', ['auditor'], { stepUp: false });
      const res = await http
        .get('/v1/audit-events')
        .query({ action: 'workflow_definition.published', resourceId: `${key}@1` })
        .set(auditor.auth)
        .expect(200);
      expect(res.body.value).toHaveLength(1);
      expect(res.body.value[0]).toMatchObject({
        action: 'workflow_definition.published',
        outcome: 'succeeded',
        resource: { type: 'workflow_definition', id: `${key}@1` },
        actor: { type: 'user', displayName: admin.name },
        after: { key, version: 1, title: 'Expense claim' },
        requestId: `publish-${key}`,
      });
    });

    it('keeps published versions immutable in the database itself', async () => {
      const key = newKey();
      await publish(documentFor(key)).expect(201);
      const dataSource = testApp.app.get(DataSource);
      await expect(
        dataSource.query(`UPDATE workflow_definitions SET title = 'Tampered' WHERE key = $1`, [key]),
      ).rejects.toThrow(/immutable/);
      await expect(dataSource.query(`DELETE FROM workflow_definitions WHERE key = $1`, [key])).rejects.toThrow(
        /immutable/,
      );
      const read = await http.get(`/v1/workflow-definitions/${key}/versions/1`).set(viewer.auth).expect(200);
      expect(read.body.title).toBe('Expense claim');
    });
  });

  describe('reading', () => {
    it('serves the latest version at /{key} and each version at /{key}/versions/{version}', async () => {
      const key = newKey();
      await publish(documentFor(key, 'One')).expect(201);
      const latestOne = await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(200);
      expect(latestOne.body).toMatchObject({ key, version: 1, title: 'One' });
      expect(latestOne.headers.etag).toBe('"1"');

      await publish(documentFor(key, 'Two')).expect(201);
      const latestTwo = await http.get(`/v1/workflow-definitions/${key}`).set(viewer.auth).expect(200);
      expect(latestTwo.body).toMatchObject({ key, version: 2, title: 'Two' });
      expect(latestTwo.headers.etag).toBe('"2"');
      expect(latestTwo.body.definition.states).toHaveLength(4);

      const v1 = await http.get(`/v1/workflow-definitions/${key}/versions/1`).set(viewer.auth).expect(200);
      expect(v1.body).toEqual(latestOne.body);
      const v2 = await http.get(`/v1/workflow-definitions/${key}/versions/2`).set(viewer.auth).expect(200);
      expect(v2.body).toEqual(latestTwo.body);
    });

    it('lists the latest version of each key as summaries, paged by key with top=1 to the end', async () => {
      const prefix = `list-${suffix}`;
      const keys = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
      // Published out of order: the list is by key, not by time.
      await publish(documentFor(keys[2], 'C')).expect(201);
      await publish(documentFor(keys[0], 'A1')).expect(201);
      await publish(documentFor(keys[0], 'A2')).expect(201);
      await publish(documentFor(keys[1], 'B')).expect(201);

      const seen: Summary[] = [];
      let next: string | undefined = `/v1/workflow-definitions?top=1`;
      for (let page = 0; next !== undefined; page += 1) {
        expect(page).toBeLessThan(1000);
        const res: request.Response = await http.get(next.replace(/^https?:\/\/[^/]+/, '')).set(viewer.auth);
        expect(res.status).toBe(200);
        expect(res.body.value.length).toBeLessThanOrEqual(1);
        seen.push(...(res.body.value as Summary[]));
        next = res.body.nextLink as string | undefined;
        if (next !== undefined) {
          expect(next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/workflow-definitions\?/);
          expect(new URL(next).searchParams.get('top')).toBe('1');
        }
      }
      const seenKeys = seen.map((item) => item.key);
      expect(seenKeys).toEqual([...seenKeys].sort());
      expect(new Set(seenKeys).size).toBe(seenKeys.length);
      const mine = seen.filter((item) => item.key.startsWith(prefix));
      expect(mine).toEqual([
        {
          key: keys[0],
          version: 2,
          title: 'A2',
          description: 'Manager approval of an expense claim.',
          publishedAt: expect.stringMatching(ISO_MILLIS),
          publishedBy: admin.id,
        },
        expect.objectContaining({ key: keys[1], version: 1, title: 'B' }),
        expect.objectContaining({ key: keys[2], version: 1, title: 'C' }),
      ]);
      expect(seenKeys.indexOf(keys[1])).toBe(seenKeys.indexOf(keys[0]) + 1);
    });

    it('serves the whole list in one page by default, without states or transitions', async () => {
      const key = newKey();
      await publish(documentFor(key)).expect(201);
      const res = await http.get('/v1/workflow-definitions').query({ top: 200 }).set(viewer.auth).expect(200);
      const item = (res.body.value as Summary[]).find((entry) => entry.key === key);
      expect(item).toBeDefined();
      expect(Object.keys(item!).sort()).toEqual(
        ['description', 'key', 'publishedAt', 'publishedBy', 'title', 'version'].sort(),
      );
    });

    it.each([
      ['top=0', { top: 0 }, '/query/top'],
      ['top=201', { top: 201 }, '/query/top'],
      ['a forged cursor', { cursor: Buffer.from('{"key":"NOT A KEY"}').toString('base64url') }, '/query/cursor'],
    ])('answers a bad page request (%s) with 400', async (_, query, pointer) => {
      const res = await http.get('/v1/workflow-definitions').query(query).set(viewer.auth);
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toContain(pointer);
    });

    it('answers 404 for an unknown key or version', async () => {
      const key = newKey();
      await publish(documentFor(key)).expect(201);
      for (const path of [
        `/v1/workflow-definitions/unknown-${suffix}`,
        `/v1/workflow-definitions/unknown-${suffix}/versions/1`,
        `/v1/workflow-definitions/${key}/versions/2`,
        `/v1/workflow-definitions/${key}/versions/2/diagram`,
      ]) {
        expectProblem(await http.get(path).set(viewer.auth), 404, 'not_found');
      }
    });

    it.each([
      ['/v1/workflow-definitions/Bad_Key', '/path/key'],
      ['/v1/workflow-definitions/a', '/path/key'],
      ['/v1/workflow-definitions/9lives/versions/1', '/path/key'],
      ['/v1/workflow-definitions/some-key/versions/0', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/-1', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/1.5', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/1e3', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/0x10', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/abc', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/99999999999', '/path/version'],
      ['/v1/workflow-definitions/some-key/versions/abc/diagram', '/path/version'],
    ])('answers %s with 400 pointing at %s', async (path, pointer) => {
      const res = await http.get(path).set(viewer.auth);
      expectProblem(res, 400, 'validation_failed');
      expect(pointersOf(res)).toContain(pointer);
    });

    it('serves a version as a Mermaid stateDiagram-v2 in text/plain', async () => {
      const key = newKey();
      await publish(documentFor(key)).expect(201);
      const res = await http.get(`/v1/workflow-definitions/${key}/versions/1/diagram`).set(viewer.auth).expect(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.text.startsWith('stateDiagram-v2\n')).toBe(true);
      expect(res.text).toContain('    draft --> submitted : submit\n');
      expect(res.text).toContain('    submitted --> approved : approve (2 approvals, step-up)\n');
      expect(res.text).toContain('    draft --> rejected : reject\n');
      expect(res.text).toContain('    submitted --> rejected : reject\n');
      const verdict = validateDefinition(documentFor(key));
      expect(verdict.valid && res.text).toBe(verdict.valid && toMermaid(verdict.definition));
    });

    it('requires authentication to read', async () => {
      const res = await http.get('/v1/workflow-definitions');
      expectProblem(res, 401, 'unauthenticated');
    });
  });
});

/**
 * Development seeding, on a database of its own: the examples' keys are fixed, and the run's shared
 * database must stay free of them (definitions there are whatever the tests publish).
 */
describe('Example definitions seeded in development', () => {
  const base = new URL(loadConfigOverriding({}).database.url!);
  const database = `wf_seed_${randomBytes(6).toString('hex')}`;
  const url = new URL(base.toString());
  url.pathname = `/${database}`;
  const apps: TestApp[] = [];

  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const start = async (environment: 'development' | 'test') => {
    const testApp = await createTestApp({ env: { NODE_ENV: environment, DATABASE_URL: url.toString() } });
    apps.push(testApp);
    return testApp;
  };

  const get = async (testApp: TestApp, path: string, roles: Role[]) => {
    const token = await testApp.app.get(DevIdentityProvider).mint({ user: `seed-reader-${database}`, roles });
    return request(testApp.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`).expect(200);
  };

  beforeAll(() => admin(`CREATE DATABASE ${database}`));

  afterAll(async () => {
    await Promise.all(apps.map((testApp) => testApp.close()));
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('seeds nothing under NODE_ENV=test', async () => {
    // This first app also migrates the fresh database, so the next ones do not race to.
    const testApp = await start('test');
    expect((await get(testApp, '/v1/workflow-definitions', ['viewer'])).body).toEqual({ value: [] });
    await testApp.close();
    apps.pop();
  });

  it('seeds each example once as version 1, however many instances start at once', async () => {
    // Both seed at once: one inserts each example, the other finds it there.
    const [first] = await Promise.all([start('development'), start('development')]);
    const list = await get(first, '/v1/workflow-definitions', ['viewer']);
    expect(list.body.value).toEqual(
      [ACCESS_REQUEST_DEFINITION, PURCHASE_REQUEST_DEFINITION].map((example) => ({
        key: example.key,
        version: 1,
        title: example.title,
        description: example.description,
        publishedAt: expect.any(String),
        publishedBy: null,
      })),
    );
    const purchase = await get(first, '/v1/workflow-definitions/purchase-request/versions/1', ['viewer']);
    const verdict = validateDefinition(PURCHASE_REQUEST_DEFINITION);
    expect(verdict.valid && purchase.body.definition).toEqual(
      verdict.valid && JSON.parse(JSON.stringify(verdict.definition)),
    );

    const events = await get(first, '/v1/audit-events?action=workflow_definition.published', ['auditor']);
    expect(
      (events.body.value as { resource: { id: string }; actor: { type: string } }[])
        .map((event) => `${event.resource.id} ${event.actor.type}`)
        .sort(),
    ).toEqual(['access-request@1 system', 'purchase-request@1 system']);

    // A restart finds them there and adds nothing.
    const restarted = await start('development');
    const again = await get(restarted, '/v1/workflow-definitions', ['viewer']);
    expect(again.body).toEqual(list.body);
  });
});
