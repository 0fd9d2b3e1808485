import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { CallerRoundTrip, DistributedLock, loadConfig } from '@flowgate/core';
import { PROBE_NOTES_TABLE, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const LEASE_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once `app` has taken an idempotency in-flight marker (its request is under way): in the
 * caller's round trip with the principal lookup (ADR 28), or on its own.
 */
function markerTaken(app: TestApp): Promise<void> {
  const locks = app.app.get(DistributedLock);
  const tryAcquire = locks.tryAcquire.bind(locks);
  const roundTrip = app.app.get(CallerRoundTrip);
  const send = roundTrip.send.bind(roundTrip);
  return new Promise((resolve) => {
    jest.spyOn(locks, 'tryAcquire').mockImplementation(async (name, ttlMs) => {
      const lease = await tryAcquire(name, ttlMs);
      if (lease && name.startsWith('idempotency:')) resolve();
      return lease;
    });
    jest.spyOn(roundTrip, 'send').mockImplementation(async (call) => {
      const reply = await send(call);
      if (typeof reply.lease === 'object' && call.lease?.name.startsWith('idempotency:')) resolve();
      return reply;
    });
  });
}

/**
 * The in-flight marker is a short lease (IDEMPOTENCY_MARKER_LEASE_MS, 1 s here) renewed by the
 * request holding it (docs/traffic.md): a request that runs for several leases keeps its key,
 * and the key of a request whose instance died is free again one lease later, not after a
 * minute. PostgreSQL's record keeps it exactly-once either way.
 */
describe('Idempotency marker lease', () => {
  const env = { IDEMPOTENCY_MARKER_LEASE_MS: String(LEASE_MS) };
  let survivor: TestApp;
  let auth: string;
  let db: DataSource;

  beforeAll(async () => {
    survivor = await createTestApp({ probes: true, env });
    auth = `Bearer ${await survivor.app.get(DevIdentityProvider).mint({ user: `lease-${randomUUID()}` })}`;
    db = survivor.app.get(DataSource);
  });

  afterAll(() => survivor.close());

  afterEach(() => jest.restoreAllMocks());

  const post = (app: TestApp, key: string, text: string, delayMs = 0) =>
    request(app.app.getHttpServer())
      .post(`/v1/probes/notes?delayMs=${delayMs}`)
      .set('Authorization', auth)
      .set('Idempotency-Key', key)
      .send({ text });
  const notesWith = async (text: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${PROBE_NOTES_TABLE} WHERE text = $1`, [text]))[0].n);

  it('is renewed while its request runs: a retry gets 409 several leases later, then the answer', async () => {
    const key = randomUUID();
    const text = `long ${key}`;
    const taken = markerTaken(survivor);
    const first = post(survivor, key, text, 4 * LEASE_MS).then((res) => res);
    await taken;
    await sleep(2.5 * LEASE_MS);

    const during = await post(survivor, key, text);
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('idempotency_key_in_use');

    expect((await first).status).toBe(201);
    // The same request (its query included), now answered from the stored record.
    const after = await post(survivor, key, text, 4 * LEASE_MS);
    expect(after.status).toBe(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(await notesWith(text)).toBe(1);
  });

  it('frees the key of a crashed instance’s request one lease later; the retry applies exactly once', async () => {
    const { database, redis } = loadConfig();
    const databaseProxy = await TcpProxy.start(database.url!);
    const redisProxy = await TcpProxy.start(redis.url!);
    // The instance that dies: its PostgreSQL and Redis connections both go through proxies, and
    // cutting both is what a SIGKILL looks like from the servers' side (the open transaction rolls
    // back, the marker is no longer renewed).
    const crashing = await createTestApp({
      probes: true,
      env: {
        ...env,
        DATABASE_URL: databaseProxy.route(database.url!),
        REDIS_URL: redisProxy.route(redis.url!),
        HTTP_SHUTDOWN_DRAIN_MS: '0',
      },
    });
    const key = randomUUID();
    const text = `crashed ${key}`;
    try {
      const taken = markerTaken(crashing);
      const doomed = post(crashing, key, text, 5 * LEASE_MS).then(
        (res) => res.status,
        () => 'no answer',
      );
      await taken;
      expect((await post(survivor, key, text)).status).toBe(409);

      await Promise.all([databaseProxy.cut(), redisProxy.cut()]);
      const crashedAt = performance.now();
      const statuses: number[] = [];
      let answer: request.Response | undefined;
      while (!answer && performance.now() - crashedAt < 5 * LEASE_MS) {
        const res = await post(survivor, key, text);
        statuses.push(res.status);
        if (res.status === 409) await sleep(100);
        else answer = res;
      }
      const freedAfterMs = performance.now() - crashedAt;

      // Blocked while the dead request's last renewal lasts, then free: within one lease (plus slack
      // for a loaded machine), where a 60 s marker used to block it for a minute.
      expect(statuses[0]).toBe(409);
      expect(answer?.status).toBe(201);
      expect(answer?.headers['idempotent-replayed']).toBeUndefined();
      expect(freedAfterMs).toBeLessThan(LEASE_MS + 1_500);
      expect(new Set(statuses.slice(0, -1))).toEqual(new Set([409]));

      // The dead request's own insert rolled back with its connection: one effect, and retries replay.
      expect(await notesWith(text)).toBe(1);
      const again = await post(survivor, key, text);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(answer!.body);
      expect(await doomed).not.toBe(201);
      expect(await notesWith(text)).toBe(1);
    } finally {
      await crashing.close();
      await databaseProxy.close();
      await redisProxy.close();
    }
  });
});
