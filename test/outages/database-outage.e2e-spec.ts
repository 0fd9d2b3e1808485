import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { loadConfig } from '@flowgate/core';
import { eventually, TcpProxy, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DATABASE_DOWN_LOG = 'PostgreSQL unavailable: answering 503 dependency_unavailable until it is back';
const DATABASE_BACK_LOG = 'PostgreSQL available again';

/**
 * PostgreSQL is a hard dependency: without it requests cannot be served, but they must be told so
 * properly (docs/runbook.md "Outages"): a 503 `dependency_unavailable` problem with `Retry-After`,
 * never a 500 `internal_error`, and one log line when the database goes away and one when it is
 * back, not a stack trace per request. The app recovers by itself.
 */
describe('Serving while PostgreSQL is away', () => {
  let proxy: TcpProxy;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    const target = loadConfig().database.url!;
    proxy = await TcpProxy.start(target);
    testApp = await createTestApp({ probes: true, env: { DATABASE_URL: proxy.route(target) } });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(async () => {
    await testApp?.close();
    await proxy?.close();
  });

  const logged = (msg: string) => testApp.logs.lines.filter((line) => line.msg === msg).length;

  it('answers reads and writes with 503 dependency_unavailable and Retry-After, logs it once, and recovers', async () => {
    const dev = testApp.app.get(DevIdentityProvider);
    const admin = { Authorization: `Bearer ${await dev.mint({ user: `db-admin-${suffix}`, roles: ['admin'] })}` };
    const writer = { Authorization: `Bearer ${await dev.mint({ user: `db-writer-${suffix}` })}` };
    const read = () => http.get('/v1/users').set(admin);
    const write = (query = '') =>
      http
        .post(`/v1/probes/notes${query}`)
        .set(writer)
        .set('Idempotency-Key', randomUUID())
        .send({ text: 'db outage' });
    expect((await read()).status).toBe(200);
    expect((await write()).status).toBe(201);

    // One request is inside its transaction when the connection goes ("Connection terminated").
    const inFlight = write('?delayMs=300').then((res) => res);
    await sleep(100);
    await proxy.cut();
    const answers = [await inFlight];
    for (let i = 0; i < 3; i += 1) answers.push(await read(), await write());
    for (const res of answers) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Addresses and driver messages stay in the logs.
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONN|terminated/);
    }
    expect(logged('Unhandled error')).toBe(0);
    expect(logged(DATABASE_DOWN_LOG)).toBe(1);
    expect(testApp.logs.lines.filter((line) => line.level !== undefined && line.level >= 40 && line.err)).toHaveLength(
      1,
    );

    await proxy.restore();
    await eventually(async () => expect((await read()).status).toBe(200));
    expect((await write()).status).toBe(201);
    await eventually(async () => expect(logged(DATABASE_BACK_LOG)).toBe(1));
    // Written by the background probe, not on behalf of the request that first failed.
    expect(testApp.logs.find((line) => line.msg === DATABASE_BACK_LOG)).not.toHaveProperty('requestId');
    expect(logged(DATABASE_DOWN_LOG)).toBe(1);
  });
});
