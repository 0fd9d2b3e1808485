import request from 'supertest';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';

/** A full collection, available without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const ACTORS = 1_000;
const DAYS = 30;

/**
 * The audit log at size: 1M events (1,000 actors over 30 days, written straight into the bench
 * database, unsealed: these queries need no chain, and the partitions by month are what they meet). Measures the
 * latency of the auditor's common query (one actor, one day) against the unfiltered newest page as
 * the baseline, and the memory an export of 100k events costs.
 */
describe('Audit log at 1M events', () => {
  const settings = benchSettings();
  let testApp: TestApp;
  let auditor: string;

  beforeAll(async () => {
    // Seeding 1M rows is one long statement; the app's usual 15 s statement timeout would cut it.
    testApp = await createTestApp({ env: { LOG_LEVEL: 'warn', DATABASE_STATEMENT_TIMEOUT_MS: '600000' } });
    const db = testApp.app.get(DataSource);
    // Inserted unsealed, as writers do (the bench runs no sealer): lists and exports read them all.
    await db.query(
      `INSERT INTO audit_events (id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name,
         action, resource_type, resource_id, outcome, before, after, request_id, client_ip, user_agent)
       SELECT gen_random_uuid(), now() - interval '${DAYS} days' + (s - 1) * interval '${(DAYS * 86_400) / EVENTS} seconds',
         'user', 'bench-tenant', 'actor-' || (s % ${ACTORS}), 'Actor ' || (s % ${ACTORS}),
         'user.role_granted', 'user', md5(s::text), 'succeeded', '{"status":"active"}', '{"status":"active"}',
         md5((s * 7)::text), '10.0.0.1', 'bench'
       FROM generate_series(1, $1::bigint) AS s`,
      [EVENTS],
    );
    await db.query('ANALYZE audit_events');
    auditor = `Bearer ${await testApp.app.get(DevIdentityProvider).mint({ user: 'bench-auditor', roles: ['auditor'] })}`;
  }, 600_000);

  afterAll(() => testApp?.close());

  const latencyMs = async (path: string, query: Record<string, string>, samples: number): Promise<number> => {
    const http = request(testApp.app.getHttpServer());
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const started = performance.now();
      const res = await http.get(path).query(query).set('Authorization', auditor);
      times.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  };

  it(
    'one actor over one day vs the newest page',
    async () => {
      const day = new Date(Date.now() - 10 * 86_400_000);
      const from = day.toISOString();
      const to = new Date(day.getTime() + 86_400_000).toISOString();
      const samples = 20 * settings.rounds;
      const baseline = await latencyMs('/v1/audit-events', { top: '50' }, samples);
      const byActor = await latencyMs(
        '/v1/audit-events',
        { actorTenantId: 'bench-tenant', actorObjectId: 'actor-42', from, to, top: '50' },
        samples,
      );
      const plan = await testApp.app.get(DataSource).query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT pos FROM audit_events WHERE actor_tenant_id = 'bench-tenant' AND actor_object_id = 'actor-42'
           AND occurred_at >= $1 AND occurred_at < $2 ORDER BY pos DESC LIMIT 51`,
        [from, to],
      );
      process.stdout.write(
        `\nAudit queries over ${EVENTS} events, median of ${samples} requests\n` +
          `  newest page, no filter (baseline): ${baseline.toFixed(1)} ms  x1.00\n` +
          `  one actor, one day:                ${byActor.toFixed(1)} ms  x${(byActor / baseline).toFixed(2)}\n` +
          `  plan: ${plan.map((row) => row['QUERY PLAN'].trim()).join(' | ')}\n`,
      );
    },
    suiteTimeoutMs(settings, 2),
  );

  /** Streams an export through the client's side too, sampling this process's heap meanwhile. */
  const exportRun = async (from: string): Promise<{ lines: number; bytes: number; peakGrowth: number }> => {
    // Collect before every sample so the peak is memory still referenced, not garbage waiting
    // for the collector (which grows with throughput, not with what the export holds).
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => {
      collectGarbage();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 250);
    let lines = 0;
    let bytes = 0;
    try {
      const response = await fetch(`${testApp.url}/v1/audit-events/export?from=${encodeURIComponent(from)}`, {
        headers: { Authorization: auditor },
      });
      expect(response.status).toBe(200);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines += 1;
      }
    } finally {
      // Also on failure: a sampler left running would collect garbage in this process forever.
      clearInterval(sampler);
    }
    return { lines, bytes, peakGrowth: peak - before };
  };

  it(
    'export: 10k vs 100k events, peak heap',
    async () => {
      // The peak includes the client's side (it runs in this process), so it is an upper bound; a
      // peak that grows with the export's size is the thing to watch.
      const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
      const small = await exportRun(hoursAgo(7.2)); // ~10k of 1M over 30 days
      const large = await exportRun(hoursAgo(72)); // ~100k
      process.stdout.write(
        `\nExport, peak live heap growth while streaming (client in the same process)\n` +
          `  ${small.lines} events, ${(small.bytes / 1e6).toFixed(1)} MB (baseline): ${(small.peakGrowth / 1e6).toFixed(1)} MB  x1.00\n` +
          `  ${large.lines} events, ${(large.bytes / 1e6).toFixed(1)} MB:            ${(large.peakGrowth / 1e6).toFixed(1)} MB  x${(large.peakGrowth / small.peakGrowth).toFixed(2)}\n`,
      );
      expect(large.lines).toBeGreaterThan(90_000);
    },
    suiteTimeoutMs(settings, 4),
  );
});
