import { Pool } from 'pg';
import { loadConfig } from '@flowgate/core';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, Measurement, summarise, VariantResult } from './support/measure';
import { DEV_IDENTITY_API_ENV } from './support/production-env';
import {
  API_ENTRY,
  API_NODE_FLAGS,
  apiNodeBinary,
  nodeVersionOf,
  ServerProcess,
  startServerProcess,
} from './support/server-process';
import { loopDefinition } from './support/loop-definition';
import { initialisePgBench, PgBench } from './support/pgbench';
import { formatWaits, sampleWaits, WaitHistogram } from './support/wait-sampler';
import { withServerCpu } from './support/process-cpu';
import { PostTarget, wrkPost } from './support/wrk-post';
import { callApi, devTokenFrom } from './support/api-calls';

const LOOP = loopDefinition('write-path-loop', 'Write path loop');
/** pgbench's scale (10: one million accounts) and clients, as issue 15 measured it. */
const PGBENCH_SCALE = 10;
const PGBENCH_CLIENTS = 8;
const SAMPLE_EVERY_MS = 75;

interface Variant {
  readonly name: string;
  /** Where the run's `pg_stat_activity` samples go; none: not sampled. */
  readonly waits?: WaitHistogram[];
  run(seconds: number): Promise<Measurement>;
}

/**
 * The write path from outside (issue 15): `POST /v1/workflows/{id}/transitions` on the API's
 * production build, driven by wrk, against PostgreSQL's own `pgbench` TPC-B on the same server in
 * the same run (a scratch database of its own, 8 clients). Three ways:
 * - distinct instances: each connection (and each caller) on an instance of its own, so nothing
 *   but shared structure (a global lock, a hot row, the pool) makes them wait for each other;
 * - one instance: every connection on the same instance, which takes its turns by design;
 * - one connection: the latency of a single transition (p50/p99, wrk's microsecond resolution).
 * While the first two run, `pg_stat_activity` is sampled and printed: with distinct instances any
 * `Lock` wait is one shared by different instances. Goals: distinct ≥ 0.3 × pgbench; p50 ≤ 3 ms.
 * Every run starts on new instances, so the history a transition reads is the same size in each.
 */
describe('Write path', () => {
  const settings = benchSettings();
  // `npm run bench` always names the bench database (scripts/bench-run.mjs).
  const databaseUrl = loadConfig().database.url ?? '';
  let api: ServerProcess;
  let pool: Pool;
  let pgbench: PgBench;
  let callers: string[];

  beforeAll(async () => {
    [api, pgbench] = await Promise.all([
      startServerProcess(API_ENTRY, DEV_IDENTITY_API_ENV, apiNodeFlags(), apiNodeBinary()),
      initialisePgBench(databaseUrl, PGBENCH_SCALE),
    ]);
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
    const admin = `Bearer ${await devToken({ user: 'write-path-admin', roles: ['admin'], stepUp: true })}`;
    expect((await call('POST', '/v1/workflow-definitions', admin, LOOP)).status).toBe(201);
    callers = await Promise.all(
      Array.from(
        { length: settings.connections },
        async (_, n) => `Bearer ${await devToken({ user: `write-path-${n}`, roles: ['requester'] })}`,
      ),
    );
    // Provision every caller before the runs (the first request of a user writes their row).
    for (const caller of callers) expect((await call('GET', '/v1/me', caller)).status).toBe(200);
  }, 180_000);

  /** The API's shipped flags, plus `--cpu-prof` when BENCH_CPU_PROF_DIR says where profiles go. */
  function apiNodeFlags(): string[] {
    const profileDir = process.env.BENCH_CPU_PROF_DIR;
    return [...API_NODE_FLAGS, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  }

  afterAll(async () => {
    await pool?.end();
    await Promise.all([api?.stop(), pgbench?.drop()]);
  });

  const devToken = (body: { user: string; roles: string[]; stepUp?: boolean }) => devTokenFrom(api.url, body);
  const call = (method: string, path: string, auth: string, body?: unknown) =>
    callApi(api.url, method, path, auth, body);

  async function transitionOnNewInstance(caller: string): Promise<PostTarget> {
    const res = await call('POST', '/v1/workflows', caller, { definitionKey: LOOP.key });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    return { path: `/v1/workflows/${id}/transitions`, authorization: caller };
  }

  /** Transitions with wrk, and the API process's CPU per transition over the run. */
  const touch = (targets: readonly PostTarget[], connections: number, seconds: number) =>
    withServerCpu(api.pid, () =>
      wrkPost({ origin: api.url, targets, body: JSON.stringify({ name: 'touch' }), connections, seconds }),
    );

  it(
    'transitions on distinct instances, on one, and one at a time vs pgbench TPC-B',
    async () => {
      const distinctWaits: WaitHistogram[] = [];
      const oneInstanceWaits: WaitHistogram[] = [];
      const variants: Variant[] = [
        {
          name: `pgbench TPC-B, ${PGBENCH_CLIENTS} clients`,
          run: (seconds) => pgbench.run(PGBENCH_CLIENTS, seconds),
        },
        {
          name: `transition, ${settings.connections} distinct instances`,
          waits: distinctWaits,
          run: async (seconds) =>
            touch(await Promise.all(callers.map(transitionOnNewInstance)), settings.connections, seconds),
        },
        {
          name: `transition, one instance, ${settings.connections} connections`,
          waits: oneInstanceWaits,
          run: async (seconds) => touch([await transitionOnNewInstance(callers[0])], settings.connections, seconds),
        },
        {
          name: 'transition, one connection',
          run: async (seconds) => touch([await transitionOnNewInstance(callers[0])], 1, seconds),
        },
        {
          // The floor under one connection's latency: a durable commit waits for the WAL flush
          // (fdatasync) whoever sends it, and no group commit shares it at one client.
          name: 'pgbench TPC-B, 1 client',
          run: (seconds) => pgbench.run(1, seconds),
        },
      ];
      const [baseline, distinct, oneInstance, single, pgbenchSingle] = await interleaveVariants(variants);
      process.stdout.write('\n');
      const [distinctRatio, oneRatio] = compare(
        baseline,
        [distinct, oneInstance, single, pgbenchSingle],
        `Write path vs pgbench (API on node ${nodeVersionOf(apiNodeBinary())})`,
      );
      process.stdout.write(`\n${formatWaits('distinct instances', merge(distinctWaits))}\n`);
      process.stdout.write(`${formatWaits('one instance', merge(oneInstanceWaits))}\n`);
      process.stdout.write(
        `\nTargets: distinct instances ≥ 0.30 × pgbench: ${distinctRatio.requestsPerSecondRatio.toFixed(2)} ` +
          `(one instance ${oneRatio.requestsPerSecondRatio.toFixed(2)}); ` +
          `one connection p50 ≤ 3 ms: ${single.p50Ms.toFixed(2)} ms (p99 ${single.p99Ms.toFixed(2)} ms; ` +
          `pgbench TPC-B at 1 client, the server's own floor: ${pgbenchSingle.p50Ms.toFixed(2)} ms average)\n`,
      );
      for (const result of [distinct, oneInstance, single]) {
        expect(Object.keys(result.statusCodes)).toEqual(['200']);
        expect(result.errors).toBe(0);
      }
    },
    suiteTimeoutMs(settings, 4),
  );

  /** Interleaved and rotated rounds, as `interleave`, with the sampler around the sampled variants. */
  async function interleaveVariants(variants: readonly Variant[]): Promise<VariantResult[]> {
    for (const variant of variants) await variant.run(settings.warmupSeconds);
    const runs: Measurement[][] = variants.map(() => []);
    for (let round = 0; round < settings.rounds; round += 1) {
      for (let slot = 0; slot < variants.length; slot += 1) {
        const index = (round + slot) % variants.length;
        const variant = variants[index];
        const { waits } = variant;
        const sampler = waits && sampleWaits(pool, SAMPLE_EVERY_MS);
        try {
          runs[index].push(await variant.run(settings.seconds));
        } finally {
          if (waits && sampler) waits.push(await sampler.stop());
        }
      }
    }
    return variants.map((variant, index) => summarise({ name: variant.name, url: '' }, runs[index]));
  }
});

function merge(histograms: readonly WaitHistogram[]): WaitHistogram {
  const counts = new Map<string, number>();
  for (const histogram of histograms) {
    for (const [label, count] of histogram.counts) counts.set(label, (counts.get(label) ?? 0) + count);
  }
  return {
    samples: histograms.reduce((total, histogram) => total + histogram.samples, 0),
    lockWaits: histograms.reduce((total, histogram) => total + histogram.lockWaits, 0),
    counts,
  };
}
