import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';
import { DistributedLock } from '../redis/distributed-lock';
import { runFenced } from './fenced-run';
import { JobMetrics, type JobOutcome } from './job-metrics';
import { WORKER_JOBS, type WorkerJob } from './worker-job';

/**
 * Runs the worker's jobs (`WORKER_JOBS`), each in a loop of its own: a run that did work is
 * followed at once by the next, an idle or failed one by the job's idle interval. A job that throws
 * is logged and counted, never allowed to end its loop or the process. `stop()` (and app shutdown)
 * aborts every run's signal, so jobs stop claiming and finish or release what they hold, and waits
 * for the loops to end, at most `WORKER_SHUTDOWN_TIMEOUT_MS`.
 */
@Injectable()
export class JobRunner implements BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  /** The listed jobs this process runs (`WORKER_JOBS`, all when empty). */
  private readonly jobs: readonly WorkerJob[];

  constructor(
    @Inject(WORKER_JOBS) listed: readonly WorkerJob[],
    private readonly locks: DistributedLock,
    private readonly metrics: JobMetrics,
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(JobRunner.name);
    this.jobs = selectJobs(listed, config.worker.jobs);
  }

  /** The jobs' names, in the order the composition root lists them. */
  get jobNames(): string[] {
    return this.jobs.map((job) => job.name);
  }

  get isRunning(): boolean {
    return this.loops.length > 0 && !this.stopping.signal.aborted;
  }

  get isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  start(): void {
    if (this.loops.length > 0 || this.stopping.signal.aborted) return;
    this.loops = this.jobs.map((job) => this.loop(job));
    this.logger.info({ jobs: this.jobNames }, 'Worker jobs started');
  }

  /** Stops claiming, lets running batches finish (up to the timeout), and resolves when done. */
  async stop(timeoutMs = this.config.worker.shutdownTimeoutMs): Promise<void> {
    if (!this.stopping.signal.aborted) this.stopping.abort(new Error('worker stopping'));
    const drained = Promise.all(this.loops).then(() => true);
    const timeout = sleep(timeoutMs, false, { ref: false });
    if (!(await Promise.race([drained, timeout]))) {
      this.logger.warn({ timeoutMs }, 'Worker jobs still running at the shutdown deadline; their work is released');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.loops.length > 0) await this.stop();
  }

  private async loop(job: WorkerJob): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const done = await this.runOnce(job);
      if (done > 0) {
        // Other jobs' loops and the health listener get their turn between batches.
        await yieldToEventLoop();
        continue;
      }
      await sleep(job.idleIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One run, measured; never throws. */
  private async runOnce(job: WorkerJob): Promise<number> {
    const end = this.metrics.duration.startTimer({ job: job.name });
    let outcome: JobOutcome = 'failed';
    try {
      const done = job.singleton
        ? await runFenced(job, this.locks, this.stopping.signal)
        : await job.runOnce(this.stopping.signal);
      outcome = done === undefined ? 'skipped' : done > 0 ? 'worked' : 'idle';
      if (done) this.metrics.items.inc({ job: job.name }, done);
      return done ?? 0;
    } catch (error) {
      this.metrics.failures.inc({ job: job.name });
      this.logger.error({ err: error, job: job.name }, 'A worker job failed; it runs again after its idle interval');
      return 0;
    } finally {
      end({ outcome });
      this.metrics.runs.inc({ job: job.name, outcome });
    }
  }
}

/** The jobs named in `WORKER_JOBS`, in list order; a name that matches no job stops the start. */
export function selectJobs(listed: readonly WorkerJob[], names: readonly string[]): readonly WorkerJob[] {
  if (names.length === 0) return listed;
  const unknown = names.filter((name) => !listed.some((job) => job.name === name));
  if (unknown.length > 0) {
    const known = listed.map((job) => job.name).join(', ');
    throw new Error(`WORKER_JOBS names no job called ${unknown.join(', ')}; the jobs are: ${known}`);
  }
  return listed.filter((job) => names.includes(job.name));
}
