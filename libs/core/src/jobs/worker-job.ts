import type { InjectionToken } from '@nestjs/common';

/** What the runner tells one run of a job beyond its abort signal. */
export interface JobRun {
  /**
   * For a `singleton` job: the fencing token of the lock this run holds (larger than every token
   * issued before for the job). A job whose effect outlives the run can store it with the effect
   * and refuse writes carrying a smaller one; undefined for jobs that are not singletons.
   */
  readonly fencingToken?: number;
}

/**
 * A unit of background work the worker (apps/worker) runs in a loop. Features implement jobs as
 * ordinary injectable classes beside the code they act on (timers in workflows, the outbox relay in
 * webhooks, purges in traffic); the worker's composition root lists them in one place, in order,
 * as the API lists its global guards. Every job must be safe with any number of replicas running
 * it at once and with a crash at any point: claim work with `FOR UPDATE SKIP LOCKED` and let a
 * database constraint make the effect happen once, or declare `singleton` to run under a fenced
 * lock on one replica at a time.
 */
export interface WorkerJob {
  /** Stable name: the metric label, the log field and the singleton lock's key. */
  readonly name: string;
  /** How long to wait before the next run after a run that found nothing to do. */
  readonly idleIntervalMs: number;
  /** True when two replicas must never run it at the same time (a fenced lock guards each run). */
  readonly singleton?: boolean;
  /**
   * Does one batch of work and says how much it did; a job that did something runs again at once.
   * `signal` aborts on shutdown: stop claiming new work, finish or release what is in hand.
   */
  runOnce(signal: AbortSignal, run?: JobRun): Promise<number>;
}

/**
 * The ordered list of jobs a worker runs, provided by its composition root
 * (`apps/worker/src/worker-jobs.ts`) and read by `JobRunner`.
 */
export const WORKER_JOBS: InjectionToken<readonly WorkerJob[]> = Symbol('WORKER_JOBS');
