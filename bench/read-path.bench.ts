import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestIssuer } from '@flowgate/testing';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { loopDefinition } from './support/loop-definition';
import { compare } from './support/measure';
import { residentMegabytes } from './support/process-memory';
import { benchToken, productionEnv } from './support/production-env';
import {
  API_ENTRY,
  API_NODE_FLAGS,
  apiNodeBinary,
  BARE_FASTIFY_ENTRY,
  nodeVersionOf,
  ServerProcess,
  startServerProcess,
} from './support/server-process';
import { interleaveWrk, measureWrk, WrkTarget } from './support/wrk';

/**
 * The flags of the second API process, measured beside the shipped one: V8's defaults unless
 * `BENCH_VARIANT_NODE_FLAGS` names others (space-separated), e.g. another young generation.
 */
const VARIANT_NODE_FLAGS = (process.env.BENCH_VARIANT_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/**
 * The Node binary of that second process: `BENCH_VARIANT_NODE` (e.g. another major version, with
 * the shipped flags unless BENCH_VARIANT_NODE_FLAGS says otherwise), else the API's own.
 */
const VARIANT_NODE = process.env.BENCH_VARIANT_NODE;
const VARIANT_NAME = VARIANT_NODE
  ? `node ${nodeVersionOf(VARIANT_NODE)}${VARIANT_NODE_FLAGS.length ? ` ${VARIANT_NODE_FLAGS.join(' ')}` : ''}`
  : VARIANT_NODE_FLAGS.length
    ? VARIANT_NODE_FLAGS.join(' ')
    : 'V8 default young gen.';

/** The flags the memory readings run with: the shipped ones unless `BENCH_MEMORY_NODE_FLAGS` names others. */
const MEMORY_NODE_FLAGS = process.env.BENCH_MEMORY_NODE_FLAGS?.split(' ').filter(Boolean) ?? API_NODE_FLAGS;

const DEFINITION = loopDefinition('bench-read-path', 'Benchmark read path');

/** Issue 15's goals: ratios to the bare route in one run, and memory in MiB. */
const GOALS = { read: 0.2, liveness: 0.5, idleMegabytes: 150, settledOverIdle: 1.2 };

/**
 * The read path as it ships, measured from outside with wrk (issue 15): the API's production
 * build with NODE_ENV=production (access log at info, metrics, security headers, every guard,
 * Redis and PostgreSQL as configured) against bare NestJS on Fastify returning a constant, each
 * in a process of its own. Tokens come from a loopback OIDC issuer (`TestIssuer`) whose keys
 * the API fetches as it would Entra's.
 *
 * `BENCH_CPU_PROF_DIR=<dir>` runs the API under `node --cpu-prof` and writes its profile there
 * when the suite stops it (docs/performance.md turns it into a flame graph).
 */
describe('Read path (wrk, production build)', () => {
  const settings = benchSettings();
  let issuer: TestIssuer;
  let api: ServerProcess;
  /** The second API process: V8's default young generation (what API_NODE_FLAGS cost), or the
   * flags and the Node binary BENCH_VARIANT_NODE_FLAGS and BENCH_VARIANT_NODE name. */
  let apiDefaultHeap: ServerProcess;
  let bare: ServerProcess;
  let readUrl: string;
  let requester: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    [api, apiDefaultHeap, bare] = await Promise.all([
      startApi(),
      VARIANT_NODE
        ? startApi(VARIANT_NODE_FLAGS.length ? VARIANT_NODE_FLAGS : API_NODE_FLAGS, VARIANT_NODE)
        : startApi(VARIANT_NODE_FLAGS),
      startServerProcess(BARE_FASTIFY_ENTRY),
    ]);
    const admin = `Bearer ${token(['Flowgate.Admin'], ['c1'])}`;
    requester = `Bearer ${token(['Flowgate.Requester'])}`;
    expect((await call('POST', '/v1/workflow-definitions', admin, DEFINITION)).status).toBe(201);
    const started = await call('POST', '/v1/workflows', requester, { definitionKey: DEFINITION.key });
    expect(started.status).toBe(201);
    readUrl = `${api.url}/v1/workflows/${((await started.json()) as { id: string }).id}`;
  });

  afterAll(async () => {
    await Promise.all([bare?.stop(), api?.stop(), apiDefaultHeap?.stop()]);
    await issuer?.close();
  });

  /** The API as it ships, under `--cpu-prof` when BENCH_CPU_PROF_DIR says where profiles go. */
  function startApi(
    nodeFlags: readonly string[] = API_NODE_FLAGS,
    nodeBinary = apiNodeBinary(),
  ): Promise<ServerProcess> {
    const profileDir = process.env.BENCH_CPU_PROF_DIR;
    return startServerProcess(
      API_ENTRY,
      productionEnv(issuer),
      [...nodeFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
      nodeBinary,
    );
  }

  const token = (roles: string[], acrs?: string[]) => benchToken(issuer, roles, acrs);

  function call(method: string, path: string, auth: string, body: unknown): Promise<Response> {
    return fetch(`${api.url}${path}`, {
      method,
      headers: { Authorization: auth, 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** One request first: wrk counts 2xx and 3xx alike, so the exact status is checked here. */
  async function expectStatus(target: WrkTarget, status: number): Promise<void> {
    const res = await fetch(target.url, { headers: { ...target.headers } });
    expect(res.status).toBe(status);
  }

  it(
    'bare Nest-on-Fastify route vs GET /health/live vs GET /v1/workflows/{id} (shipped flags and V8 defaults)',
    async () => {
      const targets: WrkTarget[] = [
        { name: 'bare Nest-on-Fastify route (constant)', url: bare.url, serverPid: bare.pid },
        { name: 'GET /health/live', url: `${api.url}/health/live`, serverPid: api.pid },
        { name: 'GET /v1/workflows/{id}', url: readUrl, headers: { Authorization: requester }, serverPid: api.pid },
        {
          name: `GET /v1/workflows/{id}, ${VARIANT_NAME}`,
          url: readUrl.replace(api.url, apiDefaultHeap.url),
          headers: { Authorization: requester },
          serverPid: apiDefaultHeap.pid,
        },
      ];
      for (const target of targets) await expectStatus(target, 200);
      const results = await interleaveWrk(targets, settings);
      const [baseline, liveness, read, readDefaultHeap] = results;
      process.stdout.write('\n');
      const [livenessRatio, readRatio] = compare(
        baseline,
        [liveness, read, readDefaultHeap],
        `Read path vs bare Nest on Fastify (wrk; API on node ${nodeVersionOf(apiNodeBinary())})`,
      );
      process.stdout.write(
        `\nGoals (issue 15): GET /v1/workflows/{id} ≥ ${GOALS.read} × bare: ${readRatio.requestsPerSecondRatio.toFixed(2)}; ` +
          `GET /health/live ≥ ${GOALS.liveness} × bare: ${livenessRatio.requestsPerSecondRatio.toFixed(2)}\n`,
      );
      for (const result of results) {
        expect(result.errors).toBe(0);
        expect(result.non2xx).toBe(0);
      }
    },
    suiteTimeoutMs(settings, 4),
  );

  it(
    'resident memory: idle, after a load, and once settled',
    async () => {
      // The same, once without collecting when quiet (`collectGarbageWhenIdle` starts nothing
      // without --expose-gc): what that collection is worth, in the same run.
      const idleWithoutCollection = await withFreshApi(
        MEMORY_NODE_FLAGS.filter((flag) => flag !== '--expose-gc'),
        (_read, pid) => residentMegabytes(pid),
      );
      // A process of its own, so that "idle" means after start-up and a warm-up, not after the
      // throughput runs above.
      await withFreshApi(MEMORY_NODE_FLAGS, async (read, pid) => {
        const idle = await residentMegabytes(pid);
        const load = await measureWrk(read, { connections: settings.connections, seconds: settings.memoryLoadSeconds });
        const loaded = await residentMegabytes(pid);
        await sleep(settings.memorySettleSeconds * 1000);
        const settled = await residentMegabytes(pid);
        report(idle, loaded, settled, load.requestsPerSecond, idleWithoutCollection);
        expect(load.errors).toBe(0);
        expect(load.non2xx).toBe(0);
      });
    },
    (2 * settings.warmupSeconds + settings.memoryLoadSeconds + settings.memorySettleSeconds) * 1000 + 240_000,
  );

  /** A fresh API process with these flags, started, read once, warmed up, then idle for 5 s. */
  async function withFreshApi<T>(
    nodeFlags: readonly string[],
    use: (read: WrkTarget, pid: number) => Promise<T>,
  ): Promise<T> {
    const fresh = await startApi(nodeFlags);
    try {
      const read: WrkTarget = {
        name: 'read',
        url: readUrl.replace(api.url, fresh.url),
        headers: { Authorization: requester },
      };
      await expectStatus(read, 200);
      await measureWrk(read, { connections: settings.connections, seconds: settings.warmupSeconds });
      await sleep(5_000);
      return await use(read, fresh.pid);
    } finally {
      await fresh.stop();
    }
  }

  function report(
    idle: number,
    loaded: number,
    settled: number,
    requestsPerSecond: number,
    idleWithoutCollection: number,
  ): void {
    const mb = (value: number) => `${value.toFixed(0)} MiB`;
    process.stdout.write(
      [
        '',
        `Resident memory of a fresh API process (VmRSS, node ${nodeVersionOf(apiNodeBinary())} ${MEMORY_NODE_FLAGS.join(' ')}), ${settings.memoryLoadSeconds} s of GET /v1/workflows/{id} ` +
          `(${requestsPerSecond.toFixed(0)} req/s), then ${settings.memorySettleSeconds} s idle`,
        `idle ${mb(idle)} (goal ≤ ${GOALS.idleMegabytes} MiB); after the load ${mb(loaded)}; ` +
          `settled ${mb(settled)} = ${(settled / idle).toFixed(2)} × idle (goal ≤ ${GOALS.settledOverIdle})`,
        `idle without collecting when quiet (no --expose-gc): ${mb(idleWithoutCollection)} ` +
          `(with it: ${(idle / idleWithoutCollection).toFixed(2)} ×)`,
        '',
      ].join('\n'),
    );
  }
});
