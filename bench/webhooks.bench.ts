import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { createWebhookJobs, type WebhookJobs } from '../test/support/webhook-jobs';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { loopDefinition } from './support/loop-definition';

const CONCURRENCY = 16;
const BODY = JSON.stringify({
  type: 'workflow.transitioned',
  timestamp: new Date().toISOString(),
  data: {
    workflowId: randomUUID(),
    definitionKey: 'bench',
    definitionVersion: 1,
    transition: 'touch',
    from: 'open',
    to: 'open',
    terminal: false,
    actorId: randomUUID(),
    version: 2,
  },
});
const LOOP_DEFINITION = loopDefinition('bench-webhooks', 'Benchmark loop (webhooks)');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Webhooks (issue 14), two measurements:
 * - deliveries per second from the deliverer (claim with SKIP LOCKED, sign with standardwebhooks,
 *   POST to the pinned address, record the outcome) to a local receiver, against a plain loop of
 *   HTTP POSTs of the same body to the same receiver with the same concurrency (16), both in this
 *   process, interleaved rounds, median: the ratio is what the bookkeeping costs;
 * - outbox lag (an event's commit to its publication into deliveries) p50/p99 while transitions run
 *   as fast as 16 clients can drive the API, with one relay looping beside it.
 */
describe('Webhooks', () => {
  const settings = benchSettings();
  let testApp: TestApp;
  let jobs: WebhookJobs;
  let receiver: WebhookReceiver;
  let db: DataSource;

  beforeAll(async () => {
    const env = {
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      WEBHOOK_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      WEBHOOK_IDLE_INTERVAL_MS: '10',
      DATABASE_POOL_SIZE: '30',
    };
    testApp = await createTestApp({ env });
    jobs = await createWebhookJobs(env);
    db = testApp.app.get(DataSource);
    receiver = await WebhookReceiver.start(() => 204);
  });

  afterAll(async () => {
    await receiver?.close();
    await jobs?.close();
    await testApp?.close();
  });

  it(
    'deliveries per second vs a plain loop of HTTP POSTs to the same receiver',
    async () => {
      const [{ id: subscriptionId }] = await db.query<{ id: string }[]>(
        `INSERT INTO webhook_subscriptions (url, event_types, secret_sealed)
         VALUES ($1, '{workflow.transitioned}', 'plain:whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') RETURNING id`,
        [receiver.url()],
      );
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const plainLoop = async (seconds: number): Promise<number> => {
        let sent = 0;
        const started = performance.now();
        const deadline = started + seconds * 1000;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (performance.now() < deadline) {
              await post(agent, receiver.url(), BODY);
              sent += 1;
            }
          }),
        );
        return sent / ((performance.now() - started) / 1000);
      };
      let batch = 0;
      const deliverer = async (seconds: number): Promise<number> => {
        // Enough deliveries that the run ends on time, each for its own instance (no ordering wait).
        const count = Math.max(500, Math.round(seconds * 2_000));
        batch += 1;
        await db.query(
          `INSERT INTO webhook_deliveries (subscription_id, outbox_event_id, message_id, event_type, aggregate_id, body)
           SELECT $1, -($2::bigint * 1000000 + n), 'msg_bench_' || $2 || '_' || n, 'workflow.transitioned', gen_random_uuid(), $3
           FROM generate_series(1, $4) AS n`,
          [subscriptionId, batch, BODY, count],
        );
        const started = performance.now();
        let delivered = 0;
        const deadline = started + seconds * 1000;
        const never = new AbortController().signal;
        while (performance.now() < deadline) {
          const done = await jobs.deliverer.runOnce(never);
          if (done === 0) break;
          delivered += done;
        }
        const rate = delivered / ((performance.now() - started) / 1000);
        await db.query(`DELETE FROM webhook_deliveries WHERE subscription_id = $1`, [subscriptionId]);
        return rate;
      };
      await plainLoop(settings.warmupSeconds);
      await deliverer(settings.warmupSeconds);
      const plain: number[] = [];
      const delivered: number[] = [];
      for (let round = 0; round < settings.rounds; round += 1) {
        if (round % 2 === 0) {
          plain.push(await plainLoop(settings.seconds));
          delivered.push(await deliverer(settings.seconds));
        } else {
          delivered.push(await deliverer(settings.seconds));
          plain.push(await plainLoop(settings.seconds));
        }
      }
      agent.destroy();
      const baseline = median(plain);
      const candidate = median(delivered);
      process.stdout.write(
        `\nWebhook deliveries to a local receiver, ${CONCURRENCY} at a time, median of ${settings.rounds} interleaved rounds\n` +
          `  plain HTTP POST loop (baseline):     ${Math.round(baseline)} requests/s  x1.00\n` +
          `  deliverer (claim, sign, send, record): ${Math.round(candidate)} deliveries/s  x${(candidate / baseline).toFixed(2)}\n`,
      );
      expect(candidate).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 2),
  );

  it(
    'outbox lag p50/p99 while transitions run at full speed',
    async () => {
      const dev = testApp.app.get(DevIdentityProvider);
      const admin = `Bearer ${await dev.mint({ user: 'bench-wh-admin', roles: ['admin'], stepUp: true })}`;
      const requester = `Bearer ${await dev.mint({ user: 'bench-wh-requester', roles: ['requester'] })}`;
      const call = (method: string, path: string, token: string, body?: unknown) =>
        fetch(`${testApp.url}${path}`, {
          method,
          headers: { Authorization: token, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      expect((await call('POST', '/v1/workflow-definitions', admin, LOOP_DEFINITION)).status).toBe(201);
      // A subscription that wants every event: the relay fans out for real.
      await db.query(
        `INSERT INTO webhook_subscriptions (url, event_types, definition_keys, secret_sealed, status, paused_reason)
         VALUES ('http://127.0.0.1:9/none', '{workflow.started,workflow.transitioned}', '{bench-webhooks}',
                 'plain:whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'paused', 'benchmark: fan-out only')`,
      );
      const instances = await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          const res = await call('POST', '/v1/workflows', requester, { definitionKey: LOOP_DEFINITION.key });
          return ((await res.json()) as { id: string }).id;
        }),
      );
      const relay = jobs.loop();
      const seconds = settings.seconds * settings.rounds;
      const started = performance.now();
      const deadline = started + seconds * 1000;
      let transitions = 0;
      await Promise.all(
        instances.map(async (id) => {
          while (performance.now() < deadline) {
            const res = await call('POST', `/v1/workflows/${id}/transitions`, requester, { name: 'touch' });
            await res.arrayBuffer();
            if (res.status === 200) transitions += 1;
          }
        }),
      );
      const rate = transitions / ((performance.now() - started) / 1000);
      await jobs.drain();
      await relay.stop();
      const [lag] = await db.query<{ p50: number; p99: number; max: number; events: string; pending: string }[]>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)::float8) * 1000 AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)::float8) * 1000 AS p99,
                max(extract(epoch FROM delivered_at - created_at)::float8) * 1000 AS max,
                count(*) AS events, count(*) FILTER (WHERE delivered_at IS NULL) AS pending
         FROM outbox_events WHERE aggregate_id = ANY ($1::uuid[])`,
        [instances],
      );
      process.stdout.write(
        `\nOutbox lag with one relay while ${CONCURRENCY} clients take transitions for ${seconds} s\n` +
          `  transitions: ${Math.round(rate)}/s, ${lag.events} events (${lag.pending} unpublished after the drain)\n` +
          `  lag p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms\n`,
      );
      expect(Number(lag.pending)).toBe(0);
    },
    suiteTimeoutMs(settings, 2),
  );
});

function post(agent: Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', resolve);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
