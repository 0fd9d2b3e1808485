import { Injectable } from '@nestjs/common';
import type { WorkerJob } from '@flowgate/core';
import { TimerFiring } from './timer-firing.service';

/**
 * Polls often enough that a due timer fires within a second or so of its due time, cheaply: an
 * idle poll is one index probe on the pending timers' due times.
 */
const IDLE_INTERVAL_MS = 500;
/** Timers fired side by side per run, each in its own unit of work (one pooled connection each). */
const LANES = 4;
/** Timers one lane fires before the run ends, so shutdown and the other jobs get a turn. */
const PER_LANE = 50;

/**
 * Fires due workflow timers (`TimerFiring`). Not a singleton: any number of replicas run it side
 * by side, `SKIP LOCKED` sharing the due timers out between them.
 */
@Injectable()
export class WorkflowTimersJob implements WorkerJob {
  readonly name = 'workflow-timers';
  readonly idleIntervalMs = IDLE_INTERVAL_MS;

  constructor(private readonly firing: TimerFiring) {}

  async runOnce(signal: AbortSignal): Promise<number> {
    const lanes = Array.from({ length: LANES }, async () => {
      let settled = 0;
      // Each timer is claimed and fired in one unit of work: on abort the lane finishes the one in
      // hand and claims no more.
      while (settled < PER_LANE && !signal.aborted && (await this.firing.fireNextDue()) !== undefined) settled++;
      return settled;
    });
    const settled = await Promise.all(lanes);
    return settled.reduce((sum, count) => sum + count, 0);
  }
}
