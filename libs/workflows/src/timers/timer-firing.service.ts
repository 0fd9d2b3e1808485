import { Injectable } from '@nestjs/common';
import { inSpan, linksTo, TransactionRunner } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { WorkflowDefinitionStore } from '../definitions/workflow-definition-store';
import { decideTimer } from '../engine/timers';
import { InstanceMoves } from '../instances/instance-moves';
import { WorkflowInstancesRepository } from '../instances/workflow-instances.repository';
import { TimerMetrics, type TimerOutcome } from './timer-metrics';
import { type ClaimedTimer, WorkflowTimersRepository } from './workflow-timers.repository';
import type { EntityManager } from 'typeorm';

/**
 * Fires one due timer as the system actor, in one unit of work (docs/workflows.md "Timers"): claim
 * the most overdue timer (`FOR UPDATE SKIP LOCKED`), lock its instance, and take the transition
 * through the engine (`decideTimer`) and the writer a person's transition uses (`InstanceMoves`):
 * state, history, outbox and audit commit together with the timer marked fired, or not at all.
 *
 * Exactly once per entry into the state: the timer row is held by one unit at a time; under the
 * instance lock the timer must belong to the current visit (`state_entered_seq`), else the
 * instance moved on and the timer is cancelled; and the history line names the timer under a
 * unique constraint, so a second firing cannot commit whatever happened before it.
 */
@Injectable()
export class TimerFiring {
  constructor(
    private readonly timers: WorkflowTimersRepository,
    private readonly instances: WorkflowInstancesRepository,
    private readonly definitions: WorkflowDefinitionStore,
    private readonly moves: InstanceMoves,
    private readonly transactions: TransactionRunner,
    private readonly metrics: TimerMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(TimerFiring.name);
  }

  /**
   * Settles the most overdue timer; undefined when none is due (or every due one is in other hands
   * or waiting to be retried). A firing that fails rolls back whole and is retried later with a
   * growing delay (`failed`), so a timer that keeps failing never holds up the ones due after it.
   *
   * The firing runs under a savepoint (`attempt`), and its failure is recorded in the same unit of
   * work, the timer still claimed: recorded in a unit of its own, it left a gap between the
   * rollback and that commit in which another worker claimed the timer again at once.
   */
  async fireNextDue(): Promise<TimerOutcome | undefined> {
    let claimed: ClaimedTimer | undefined;
    try {
      return await this.transactions.run(async (manager) => {
        claimed = await this.timers.claimNextDue(manager);
        if (!claimed) return undefined;
        const timer = claimed;
        try {
          return await this.transactions.attempt(() => this.fireInItsOwnTrace(timer, manager));
        } catch (error) {
          const attempts = await this.timers.recordFailure(timer.id, retryDelaySeconds);
          // Reported once the count is durable: should the commit fail, the path below counts it.
          this.transactions.afterCommit(() => this.reportFailure(timer, error, attempts));
          return 'failed';
        }
      });
    } catch (error) {
      if (!claimed) throw error; // nothing claimed: the database itself is failing; the runner backs off
      // The unit of work itself failed (its connection, the savepoint): counted on its own.
      this.reportFailure(claimed, error, await this.timers.recordFailure(claimed.id, retryDelaySeconds));
      return 'failed';
    }
  }

  private reportFailure(timer: ClaimedTimer, error: unknown, attempts: number | undefined): void {
    this.logger.error(
      { err: error, timerId: timer.id, instanceId: timer.instanceId, attempts },
      'A timer failed to fire; it will be retried',
    );
    this.metrics.settled.inc({ definition: 'unknown', outcome: 'failed' });
  }

  /**
   * A firing starts a trace of its own (a root span), linked to the unit of work that armed the
   * timer rather than its child: days may lie between them, and the arming trace ended with its
   * request (docs/workflows.md "Timers"). The transition it takes runs inside this span, so the
   * outbox events it writes and the timers it arms carry this trace. An idle poll makes no span:
   * the span starts once a timer is claimed.
   */
  private fireInItsOwnTrace(timer: ClaimedTimer, manager: EntityManager): Promise<TimerOutcome> {
    return inSpan(
      'workflow-timers.fire',
      async (span) => {
        span?.setAttributes({
          'flowgate.timer.id': timer.id,
          'flowgate.timer.transition': timer.transition,
          'flowgate.timer.due_at': timer.dueAt.toISOString(),
          'flowgate.workflow.id': timer.instanceId,
        });
        const outcome = await this.fire(timer, manager);
        span?.setAttribute('flowgate.timer.outcome', outcome);
        return outcome;
      },
      { root: true, links: linksTo(timer.armedBy) },
    );
  }

  private async fire(timer: ClaimedTimer, manager: EntityManager): Promise<TimerOutcome> {
    const instance = await this.instances.lockForSystem(timer.instanceId, manager);
    let outcome: TimerOutcome = 'stale';
    if (instance && !instance.terminal && instance.stateEnteredSeq === timer.enteredSeq) {
      const { definition } = await this.definitions.get(instance.definitionKey, instance.definitionVersion);
      const decision = decideTimer(definition, instance.state, timer.transition);
      if (decision.allowed) {
        // Settled first: the move cancels the state's pending timers, and this one has fired.
        await this.timers.settle(timer.id, 'fired', manager);
        const past = await this.instances.past(instance.id);
        await this.moves.apply(
          { type: 'system', timer: { id: timer.id, dueAt: timer.dueAt } },
          { instance, definition, past },
          { transition: timer.transition, decision },
          manager,
        );
        outcome = 'fired';
      } else {
        this.logger.warn({ timerId: timer.id, instanceId: timer.instanceId, decision }, 'A timer could not fire');
        outcome = 'refused';
      }
    }
    if (outcome !== 'fired') await this.timers.settle(timer.id, 'cancelled', manager);
    const definition = instance?.definitionKey ?? 'unknown';
    this.transactions.afterCommit(() => {
      this.metrics.settled.inc({ definition, outcome });
      if (outcome === 'fired') this.metrics.fireDelay.observe((Date.now() - timer.dueAt.getTime()) / 1000);
    });
    return outcome;
  }
}

/** 5 s, 10 s, 20 s … doubling up to 15 minutes between attempts. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempts - 1), 15 * 60);
}
