import type { PinoLogger } from 'nestjs-pino';
import type { FlowgateConfig } from '../config/flowgate-config';
import { Metrics } from '../observability/metrics';
import { MemoryDistributedLock } from '../redis/memory-distributed-lock';
import { JobMetrics } from './job-metrics';
import { JobRunner, selectJobs } from './job-runner';
import type { JobRun, WorkerJob } from './worker-job';

const logger = { setContext: () => undefined, info: () => undefined, warn: () => undefined, error: jest.fn() };
const config = { worker: { shutdownTimeoutMs: 2_000, jobs: [] } } as unknown as FlowgateConfig;
const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `mock` has been called `times` times (or 5 s have passed): the runner's pace depends on the machine. */
async function calledTimes(mock: jest.Mock, times: number): Promise<void> {
  for (const deadline = Date.now() + 5_000; mock.mock.calls.length < times && Date.now() < deadline;) await tick(10);
}

function runnerOf(jobs: WorkerJob[], locks = new MemoryDistributedLock()): { runner: JobRunner; metrics: Metrics } {
  const metrics = new Metrics();
  const runner = new JobRunner(jobs, locks, new JobMetrics(metrics), config, logger as unknown as PinoLogger);
  return { runner, metrics };
}

const value = async (metrics: Metrics, name: string, labels: Record<string, string>) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.find((entry) =>
    Object.entries(labels).every(([key, label]) => entry.labels[key] === label),
  )?.value ?? 0;

describe('JobRunner', () => {
  it('runs a job again at once while it finds work, and after its idle interval when it does not', async () => {
    const results = [3, 2, 0, 1, 0];
    const runOnce = jest.fn(async () => results.shift() ?? 0);
    const job: WorkerJob = { name: 'batches', idleIntervalMs: 60_000, runOnce };
    const { runner, metrics } = runnerOf([job]);
    runner.start();
    await calledTimes(runOnce, 3);
    await tick();
    // 3, 2, then idle: the fourth run waits a minute.
    expect(runOnce).toHaveBeenCalledTimes(3);
    await runner.stop();
    expect(await value(metrics, 'worker_job_items_total', { job: 'batches' })).toBe(5);
    expect(await value(metrics, 'worker_job_runs_total', { job: 'batches', outcome: 'worked' })).toBe(2);
    expect(await value(metrics, 'worker_job_runs_total', { job: 'batches', outcome: 'idle' })).toBe(1);
  });

  it('logs and counts a job that throws, keeps running it, and keeps the other jobs running', async () => {
    let calls = 0;
    const failing: WorkerJob = {
      name: 'failing',
      idleIntervalMs: 5,
      runOnce: async () => {
        calls++;
        throw new Error('boom');
      },
    };
    const healthy: WorkerJob = { name: 'healthy', idleIntervalMs: 5, runOnce: jest.fn(async () => 0) };
    const { runner, metrics } = runnerOf([failing, healthy]);
    runner.start();
    await tick(100);
    await runner.stop();
    expect(calls).toBeGreaterThan(2);
    expect((healthy.runOnce as jest.Mock).mock.calls.length).toBeGreaterThan(2);
    expect(await value(metrics, 'worker_job_failures_total', { job: 'failing' })).toBe(calls);
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ job: 'failing' }), expect.any(String));
  });

  it('on stop aborts the runs’ signal and waits for the run in hand to finish', async () => {
    let finished = false;
    const job: WorkerJob = {
      name: 'slow',
      idleIntervalMs: 5,
      runOnce: async (signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        await tick(100);
        finished = true;
        return 1;
      },
    };
    const { runner } = runnerOf([job]);
    runner.start();
    await tick(10);
    await runner.stop();
    expect(finished).toBe(true);
    expect(runner.isStopping).toBe(true);
  });

  it('runs a singleton on one runner at a time, with growing fencing tokens', async () => {
    const locks = new MemoryDistributedLock();
    let running = 0;
    let overlapped = false;
    const tokens: number[] = [];
    const singleton = (): WorkerJob => ({
      name: 'purge',
      singleton: true,
      idleIntervalMs: 5,
      runOnce: async (_signal, run?: JobRun) => {
        overlapped ||= running > 0;
        running++;
        tokens.push(run!.fencingToken!);
        await tick(10);
        running--;
        // Found work: the lock is released after each run, so the runners take turns.
        return 1;
      },
    });
    const runners = [runnerOf([singleton()], locks), runnerOf([singleton()], locks)];
    runners.forEach(({ runner }) => runner.start());
    await tick(150);
    await Promise.all(runners.map(({ runner }) => runner.stop()));
    expect(overlapped).toBe(false);
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(
      await value(runners[0].metrics, 'worker_job_runs_total', { job: 'purge', outcome: 'skipped' }),
    ).toBeGreaterThan(0);
  });
});

describe('selectJobs (WORKER_JOBS)', () => {
  const job = (name: string): WorkerJob => ({ name, idleIntervalMs: 1_000, runOnce: async () => 0 });
  const listed = [job('workflow-timers'), job('outbox-relay'), job('webhook-delivery')];

  it('runs every listed job when none is named', () => {
    expect(selectJobs(listed, []).map(({ name }) => name)).toEqual([
      'workflow-timers',
      'outbox-relay',
      'webhook-delivery',
    ]);
  });

  it('runs only the named jobs, in the list order', () => {
    expect(selectJobs(listed, ['webhook-delivery', 'workflow-timers']).map(({ name }) => name)).toEqual([
      'workflow-timers',
      'webhook-delivery',
    ]);
  });

  it('refuses a name that matches no job, saying which jobs there are', () => {
    expect(() => selectJobs(listed, ['outbox-relay', 'outbox_relay'])).toThrow(
      'WORKER_JOBS names no job called outbox_relay; the jobs are: workflow-timers, outbox-relay, webhook-delivery',
    );
  });
});
