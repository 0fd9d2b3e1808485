import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { PROBE_NOTES_TABLE, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { IdempotencyPurgeJob, IdempotencyRepository } from '@flowgate/traffic';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exactly-once POSTs under `Idempotency-Key` (docs/traffic.md), on the real PostgreSQL and
 * Redis, through a probe route that inserts one row per effect (`POST /v1/probes/notes`) and the
 * retrofitted `POST /v1/users/{id}/revoke-sessions`.
 */
describe('Idempotency keys', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);

  /** The in-flight marker's lease, at its shortest: a stored answer's marker runs it out. */
  const MARKER_LEASE_MS = 500;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true, env: { IDEMPOTENCY_MARKER_LEASE_MS: String(MARKER_LEASE_MS) } });
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(() => testApp.close());

  const bearer = async (user: string) => `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles: [] })}`;
  const newKey = () => randomUUID();
  const notesWith = async (text: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${PROBE_NOTES_TABLE} WHERE text = $1`, [text]))[0].n);
  const postNote = (auth: string, key: string | undefined, text: string, query = '') => {
    const req = http.post(`/v1/probes/notes${query}`).set('Authorization', auth);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send({ text });
  };

  it('replays the first answer to a retry: same status, body and Location, marked, and one effect', async () => {
    const auth = await bearer('retrier');
    const key = newKey();
    const text = `retry ${key}`;
    const first = await postNote(auth, key, text);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await postNote(auth, key, text);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await notesWith(text)).toBe(1);
  });

  it('replays the first answer byte for byte, with its Content-Type, ETag and Location', async () => {
    // A workflow's keys are in an order jsonb would not keep (it sorts them by length): a replay
    // rebuilt from a jsonb value would differ from the first answer's text.
    const admin = `Bearer ${await dev.mint({ user: `bytes-admin-${suffix}`, roles: ['admin'], stepUp: true })}`;
    const definitionKey = `bytes-${suffix}`;
    const published = await http
      .post('/v1/workflow-definitions')
      .set('Authorization', admin)
      .send({
        key: definitionKey,
        title: 'Bytes',
        states: [
          { name: 'open', initial: true },
          { name: 'done', terminal: true },
        ],
        transitions: [{ name: 'close', from: 'open', to: 'done' }],
      });
    expect(published.status).toBe(201);
    const auth = `Bearer ${await dev.mint({ user: `byte-counter-${suffix}`, roles: ['requester'] })}`;
    const key = newKey();
    const start = () =>
      http.post('/v1/workflows').set('Authorization', auth).set('Idempotency-Key', key).send({ definitionKey });
    const first = await start();
    const retry = await start();
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(Object.keys(JSON.parse(first.text) as object)).toEqual([
      'id',
      'definitionKey',
      'definitionVersion',
      'state',
      'terminal',
      'data',
      'initiatorId',
      'assigneeIds',
      'assignedRole',
      'pendingTimers',
      'version',
      'createdAt',
      'updatedAt',
    ]);
    for (const header of ['content-type', 'etag', 'location', 'content-length']) {
      expect({ header, value: retry.headers[header] }).toEqual({ header, value: first.headers[header] });
    }
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers.etag).toBe('"1"');
  });

  it('replays a record stored before the body was kept as text (jsonb only, no Content-Type) as JSON', async () => {
    const auth = await bearer('legacy');
    const key = newKey();
    const text = `legacy ${key}`;
    const first = await postNote(auth, key, text);
    expect(first.status).toBe(201);
    await db.query(
      `UPDATE idempotency_records SET body_text = NULL, headers = headers - 'content-type' WHERE idempotency_key = $1`,
      [key],
    );
    const retry = await postNote(auth, key, text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(retry.body).toEqual(first.body);
  });

  it('treats the quoted structured-field form and the bare token as the same key', async () => {
    const auth = await bearer('quoter');
    const key = newKey();
    const text = `quoted ${key}`;
    expect((await postNote(auth, `"${key}"`, text)).status).toBe(201);
    const bare = await postNote(auth, key, text);
    expect(bare.headers['idempotent-replayed']).toBe('true');
    expect(await notesWith(text)).toBe(1);
  });

  it('refuses the same key with a different request (422) and changes nothing', async () => {
    const auth = await bearer('reuser');
    const key = newKey();
    expect((await postNote(auth, key, `original ${key}`)).status).toBe(201);
    const reused = await postNote(auth, key, `different ${key}`);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(await notesWith(`different ${key}`)).toBe(0);
  });

  it('scopes keys by caller: the same key from another principal is independent', async () => {
    const key = newKey();
    const text = `shared key ${key}`;
    const mine = await postNote(await bearer('alice'), key, text);
    const theirs = await postNote(await bearer('bob'), key, text);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await notesWith(text)).toBe(2);
  });

  it.each([
    ['missing', undefined, 'required'],
    ['too long', 'k'.repeat(256), 'invalid'],
    ['with a space', 'two words', 'invalid'],
  ])('answers 400 for a %s key, pointing at the header', async (_case, key, code) => {
    const res = await postNote(await bearer('sloppy'), key, `bad key ${randomUUID()}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/headers/idempotency-key', code })]);
  });

  it('does not store a failed validation: the key can be used again for a valid request', async () => {
    const auth = await bearer('validator');
    const key = newKey();
    const invalid = await http.post('/v1/probes/notes').set('Authorization', auth).set('Idempotency-Key', key).send({});
    expect(invalid.status).toBe(400);
    const valid = await postNote(auth, key, `valid ${key}`);
    expect(valid.status).toBe(201);
    expect(valid.headers['idempotent-replayed']).toBeUndefined();
  });

  it('lets exactly one of 20 concurrent requests with one key take effect; the rest get 409 or the same answer', async () => {
    const auth = await bearer('stampede');
    const key = newKey();
    const text = `stampede ${key}`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => postNote(auth, key, text, '?delayMs=300')));
    expect(await notesWith(text)).toBe(1);
    const created = responses.filter((res) => res.status === 201);
    const conflicts = responses.filter((res) => res.status === 409);
    expect(created.length + conflicts.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // All 20 arrive while the first holds its key for 300 ms: the in-flight marker must turn some
    // away (a marker that silently failed would leave only PostgreSQL's replays, all 201).
    expect(conflicts.length).toBeGreaterThan(0);
    for (const res of created) expect(res.body).toEqual(created[0].body);
    for (const res of conflicts) {
      expect(res.body.code).toBe('idempotency_key_in_use');
      expect(res.headers['retry-after']).toBe('1');
    }
    const retry = await postNote(auth, key, text, '?delayMs=300');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(created[0].body);
  });

  it('crash before commit (after the change and the record): neither survives, and a retry applies once', async () => {
    const auth = await bearer('crash-before');
    const key = newKey();
    const text = `crash before commit ${key}`;
    const records = testApp.app.get(IdempotencyRepository);
    const store = records.store.bind(records);
    const spy = jest.spyOn(records, 'store').mockImplementationOnce(async (...args) => {
      await store(...args);
      // The record is held back for the commit: a statement sends it, so it is written first.
      await args[3].query('SELECT 1');
      throw new Error('injected crash after the idempotency record, before commit');
    });
    try {
      expect((await postNote(auth, key, text)).status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(await notesWith(text)).toBe(0);
    const retry = await postNote(auth, key, text);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await notesWith(text)).toBe(1);
  });

  it('connection lost after commit, before the response: the retry replays and the change exists once', async () => {
    const auth = await bearer('crash-after');
    const key = newKey();
    const text = `lost response ${key}`;
    // The client gives up while the server is still working; the server commits regardless.
    await expect(
      fetch(`${testApp.url}/v1/probes/notes?delayMs=400`, {
        method: 'POST',
        headers: { Authorization: auth, 'Idempotency-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await sleep(700);
    expect(await notesWith(text)).toBe(1);
    const retry = await postNote(auth, key, text, '?delayMs=400');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.text).toBe(text);
    expect(await notesWith(text)).toBe(1);
  });

  it('forgets expired records: the purge deletes them and the key applies again', async () => {
    const auth = await bearer('expirer');
    const key = newKey();
    const text = `expiring ${key}`;
    expect((await postNote(auth, key, text)).status).toBe(201);
    await db.query(
      `UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE idempotency_key = $1`,
      [key],
    );
    // Records are kept an hour at least; the first request's marker had long run out its lease.
    await sleep(MARKER_LEASE_MS + 100);
    const again = await postNote(auth, key, text);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await notesWith(text)).toBe(2);

    await db.query(
      `UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE idempotency_key = $1`,
      [key],
    );
    expect(await testApp.app.get(IdempotencyPurgeJob).runOnce(new AbortController().signal)).toBeGreaterThanOrEqual(1);
    const [{ n }] = await db.query(`SELECT count(*) AS n FROM idempotency_records WHERE idempotency_key = $1`, [key]);
    expect(Number(n)).toBe(0);
  });

  it('stores the record with this deployment’s retention', async () => {
    const auth = await bearer('retention');
    const key = newKey();
    expect((await postNote(auth, key, `retention ${key}`)).status).toBe(201);
    const [{ seconds }] = await db.query(
      `SELECT extract(epoch FROM expires_at - created_at) AS seconds FROM idempotency_records WHERE idempotency_key = $1`,
      [key],
    );
    expect(Math.round(Number(seconds))).toBe(testApp.config.traffic.idempotencyRetentionSeconds);
  });

  it('makes session revocation idempotent: one revocation and one audit event for two requests', async () => {
    const target = await http.get('/v1/me').set('Authorization', await bearer('revokee'));
    const admin = `Bearer ${await dev.mint({ user: `admin-${suffix}`, roles: ['admin'], stepUp: true })}`;
    const key = newKey();
    const revoke = () =>
      http.post(`/v1/users/${target.body.id}/revoke-sessions`).set('Authorization', admin).set('Idempotency-Key', key);
    const first = await revoke();
    await sleep(20);
    const second = await revoke();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const [{ n }] = await db.query(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'user.sessions_revoked' AND resource_id = $1`,
      [target.body.id],
    );
    expect(Number(n)).toBe(1);
  });

  it('counts replays in /metrics', async () => {
    const metrics = await http.get('/metrics');
    expect(Number(/^idempotent_replays_total (\d+)/m.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(3);
  });
});

describe('Idempotency keys with Redis unreachable', () => {
  it('still applies one of 10 concurrent duplicates, PostgreSQL being the guard, and replays to the rest', async () => {
    const target = loadConfig().redis.url!;
    const proxy = await TcpProxy.start(target);
    const testApp = await createTestApp({ probes: true, env: { REDIS_URL: proxy.route(target) } });
    try {
      await proxy.cut();
      const http = request(testApp.app.getHttpServer());
      const auth = `Bearer ${await testApp.app.get(DevIdentityProvider).mint({ user: `no-redis-${randomUUID()}` })}`;
      const key = randomUUID();
      const text = `no redis ${key}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          http
            .post('/v1/probes/notes?delayMs=200')
            .set('Authorization', auth)
            .set('Idempotency-Key', key)
            .send({ text }),
        ),
      );
      const db = testApp.app.get(DataSource);
      const [{ n }] = await db.query(`SELECT count(*) AS n FROM ${PROBE_NOTES_TABLE} WHERE text = $1`, [text]);
      expect(Number(n)).toBe(1);
      expect(responses.map((res) => res.status)).toEqual(Array(10).fill(201));
      for (const res of responses) expect(res.body).toEqual(responses[0].body);
      expect(responses.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    } finally {
      await testApp.close();
      await proxy.close();
    }
  });
});
