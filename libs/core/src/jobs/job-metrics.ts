import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { Metrics } from '../observability/metrics';

/** How a run of a job ended: did work, found none, was skipped (singleton held elsewhere), threw. */
export type JobOutcome = 'worked' | 'idle' | 'skipped' | 'failed';

/** The worker's job metrics, in the app's registry (docs/runbook.md "The worker"). */
@Injectable()
export class JobMetrics {
  readonly duration: Histogram<'job' | 'outcome'>;
  readonly runs: Counter<'job' | 'outcome'>;
  readonly failures: Counter<'job'>;
  readonly items: Counter<'job'>;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.duration = new Histogram({
      name: 'worker_job_duration_seconds',
      help: 'Duration of one run of a worker job, by job and outcome',
      labelNames: ['job', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.runs = new Counter({
      name: 'worker_job_runs_total',
      help: 'Runs of a worker job, by job and outcome (worked, idle, skipped, failed)',
      labelNames: ['job', 'outcome'] as const,
      registers,
    });
    this.failures = new Counter({
      name: 'worker_job_failures_total',
      help: 'Runs of a worker job that threw (logged with the error; the job runs again after its idle interval)',
      labelNames: ['job'] as const,
      registers,
    });
    this.items = new Counter({
      name: 'worker_job_items_total',
      help: 'Work items a job reported done (timers fired, records purged, ...)',
      labelNames: ['job'] as const,
      registers,
    });
  }
}
