import request from 'supertest';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { seedAuditEvents } from './support/seed-audit-events';

/** A full collection, available without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
/** Rows per seeding statement (BENCH_AUDIT_SEED_BATCH): each commits on its own. */
const SEED_BATCH = Number(process.env.BENCH_AUDIT_SEED_BATCH ?? 500_000);
const ACTORS = 1_000;
const DAYS = 30;
/** Seeding is allowed 5,000 rows/s at the least (10M: 2,000 s), 10 minutes at the least. */
const SEED_TIMEOUT_MS = Math.max(600_000, EVENTS / 5);
const SIZE = EVENTS >= 1_000_000 ? `${EVENTS / 1_000_000}M` : EVENTS.toLocaleString('en');

/**
 * The audit log at size: 1M events by default (1,000 actors over 30 days, written straight into
 * the bench database in batches per month partition, unsealed: these queries need no chain, and
 * the partitions by month are what they meet); `BENCH_AUDIT_EVENTS=10000000` for 10M. Measures the
 * latency of the auditor's common query (one actor, one day) against the unfiltered newest page as
 * the baseline, and the memory an export of 10k vs 100k events costs.
 */
describe(`Audit log at ${SIZE} events`, () => {
  const settings = benchSettings();
  let testApp: TestApp;
  let auditor: string;

  beforeAll(async () => {
    // Each seeding statement stays far below this; the app's usual 15 s would cut a 500k-row batch.
    testApp = await createTestApp({ env: { LOG_LEVEL: 'warn', DATABASE_STATEMENT_TIMEOUT_MS: '600000' } });
    const db = testApp.app.get(DataSource);
    const seeded = await seedAuditEvents(
      db,
      { events: EVENTS, actors: ACTORS, days: DAYS, batchRows: SEED_BATCH },
      (line) => process.stdout.write(`${line}\n`),
    );
    process.stdout.write(
      `\nSeeded ${seeded.rows} events in ${seeded.statements} statements over ${seeded.months} month partitions: ` +
        `${seeded.insertSeconds.toFixed(1)} s, ${Math.round(seeded.rows / seeded.insertSeconds)} rows/s; ` +
        `ANALYZE ${seeded.analyzeSeconds.toFixed(1)} s\n`,
    );
    auditor = `Bearer ${await testApp.app.get(DevIdentityProvider).mint({ user: 'bench-auditor', roles: ['auditor'] })}`;
  }, SEED_TIMEOUT_MS);

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
      // ~10k and ~100k events whatever the size: 1M over 30 days is 1,389 an hour.
      const hoursPer10k = (7.2 * 1_000_000) / EVENTS;
      const small = await exportRun(hoursAgo(hoursPer10k));
      const large = await exportRun(hoursAgo(10 * hoursPer10k));
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
