import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Counter } from 'prom-client';

/** Workflow activity as seen from /metrics (DESIGN §9). */
@Injectable()
export class WorkflowMetrics {
  readonly transitions: Counter<'definition' | 'outcome'>;

  constructor(metrics: Metrics) {
    this.transitions = new Counter({
      name: 'workflow_transitions_total',
      help: 'Transition requests by definition key and outcome (moved, voted, or the denial reason)',
      labelNames: ['definition', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }
}
