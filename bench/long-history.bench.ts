import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleaveRuns, type RunnableVariant } from './support/measure';
import { DEV_IDENTITY_API_ENV } from './support/production-env';
import { API_ENTRY, API_NODE_FLAGS, ServerProcess, startServerProcess } from './support/server-process';
import { loopDefinition } from './support/loop-definition';
import { withServerCpu } from './support/process-cpu';
import { PostTarget, wrkPost } from './support/wrk-post';
import { callApi, devTokenFrom } from './support/api-calls';

const LOOP = loopDefinition('long-history-loop', 'Long history loop');
/** History lines the long-lived instance has before the runs (it gains more in each). */
const LONG_HISTORY_LINES = 1_000;

/**
 * What an instance's history costs its next transition: `POST /v1/workflows/{id}/transitions` at
 * one connection on a new instance each run (baseline) against one that already has
 * `LONG_HISTORY_LINES` lines. A transition reads the past it is judged on (separation of duties,
 * quorums) under the instance's lock; it used to read every line the instance ever had, so each
 * step of a long-lived instance cost more than the one before (×1.5 at 400–1,400 lines). Now it
 * reads the current visit and who took which transition before it: the two should be level
 * (docs/performance.md, "The past of a long-lived instance"). Production build, wrk.
 */
describe('Long history', () => {
  const settings = benchSettings();
  let api: ServerProcess;
  let caller: string;
  let longLived: PostTarget;

  beforeAll(async () => {
    api = await startServerProcess(API_ENTRY, DEV_IDENTITY_API_ENV, API_NODE_FLAGS);
    const admin = `Bearer ${await devTokenFrom(api.url, { user: 'long-history-admin', roles: ['admin'], stepUp: true })}`;
    expect((await callApi(api.url, 'POST', '/v1/workflow-definitions', admin, LOOP)).status).toBe(201);
    caller = `Bearer ${await devTokenFrom(api.url, { user: 'long-history-requester', roles: ['requester'] })}`;
    longLived = await newInstance();
    for (let line = 1; line < LONG_HISTORY_LINES; line += 1) {
      const res = await callApi(api.url, 'POST', longLived.path, caller, { name: 'touch' });
      expect(res.status).toBe(200);
    }
  }, 300_000);

  afterAll(() => api?.stop());

  async function newInstance(): Promise<PostTarget> {
    const res = await callApi(api.url, 'POST', '/v1/workflows', caller, { definitionKey: LOOP.key });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    return { path: `/v1/workflows/${id}/transitions`, authorization: caller };
  }

  const touch = (target: PostTarget, seconds: number) =>
    withServerCpu(api.pid, () =>
      wrkPost({ origin: api.url, targets: [target], body: JSON.stringify({ name: 'touch' }), connections: 1, seconds }),
    );

  it(
    `transitions on an instance with ${LONG_HISTORY_LINES.toLocaleString('en')} history lines vs on a new one`,
    async () => {
      const variants: RunnableVariant[] = [
        {
          target: { name: 'transition, one connection, new instance each run', url: '' },
          run: async (seconds) => touch(await newInstance(), seconds),
        },
        {
          target: { name: `transition, one connection, ${LONG_HISTORY_LINES}+ history lines`, url: '' },
          run: (seconds) => touch(longLived, seconds),
        },
      ];
      const [fresh, long] = await interleaveRuns(variants, settings);
      const [ratio] = compare(fresh, [long], 'A long history vs a new instance');
      const cpu = (long.serverCpuUsPerResponse ?? 0) / (fresh.serverCpuUsPerResponse ?? 1);
      process.stdout.write(
        `\nA long history costs its next transition ×${cpu.toFixed(2)} CPU, ×${ratio.p50Ratio.toFixed(2)} p50 ` +
          '(level is the goal: ×1.0 within the spread)\n',
      );
      for (const result of [fresh, long]) {
        expect(Object.keys(result.statusCodes)).toEqual(['200']);
        expect(result.errors).toBe(0);
      }
    },
    suiteTimeoutMs(settings, 2),
  );
});
