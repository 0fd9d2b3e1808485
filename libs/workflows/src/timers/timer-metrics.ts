import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Counter, Gauge, Histogram } from 'prom-client';
import { type TimerBacklog, WorkflowTimersRepository } from './workflow-timers.repository';

/** How a claimed timer was settled: fired, or cancelled because the instance had moved on. */
export type TimerOutcome = 'fired' | 'stale' | 'refused' | 'failed';

/** Timers as the runbook watches them (docs/runbook.md "The worker"). */
@Injectable()
export class TimerMetrics {
  readonly settled: Counter<'definition' | 'outcome'>;
  readonly fireDelay: Histogram;

  constructor(metrics: Metrics, timers: WorkflowTimersRepository) {
    const registers = [metrics.registry];
    this.settled = new Counter({
      name: 'workflow_timers_settled_total',
      help: 'Due timers claimed by this worker, by definition and outcome (fired; stale: the instance had moved on; refused; failed: rolled back, retried later)',
      labelNames: ['definition', 'outcome'] as const,
      registers,
    });
    this.fireDelay = new Histogram({
      name: 'workflow_timer_fire_delay_seconds',
      help: 'From a timer’s due time to the commit of its firing',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    // Read at scrape time, from the database: the whole deployment's backlog, whichever replica answers.
    let backlog: Promise<TimerBacklog> | undefined;
    const read = () => (backlog ??= timers.backlog().finally(() => (backlog = undefined)));
    const backlogGauge = (name: string, help: string, pick: (value: TimerBacklog) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read().then(pick, () => Number.NaN));
        },
      });
    backlogGauge(
      'workflow_timers_pending',
      'Timers armed and not yet fired or cancelled, in the whole deployment',
      (value) => value.pending,
    );
    backlogGauge(
      'workflow_timers_overdue_seconds',
      'How long past its due time the most overdue pending timer is (0 when none is due): above a few seconds, the worker lags',
      (value) => value.overdueSeconds,
    );
  }
}
