import { Injectable } from '@nestjs/common';
import { storedTraceContext, type TraceCarrier, traceColumns, TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { TimerToArm } from '../engine/timers';
import type { PendingTimer } from '../instances/workflow-instance';

/** A due timer, claimed (its row locked) by the unit of work that fires it. */
export interface ClaimedTimer {
  readonly id: string;
  readonly instanceId: string;
  readonly transition: string;
  readonly enteredSeq: number;
  readonly dueAt: Date;
  /** The trace context of the unit of work that armed it: its firing's trace links back to it. */
  readonly armedBy: TraceCarrier | null;
}

/** The deployment's pending timers, for the metrics. */
export interface TimerBacklog {
  readonly pending: number;
  /** How late the most overdue one is, in seconds; 0 when none is due. */
  readonly overdueSeconds: number;
}

/** SQL for workflow timers. Writes run in the caller's unit of work. */
@Injectable()
export class WorkflowTimersRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Arms `timers` for the visit to the state that history line `enteredSeq` began, due that long
   * after the unit of work's start (the entry's own time). Calendar units (`P1M`, `P1D`) count in
   * UTC, whatever the session's time zone. Arming one visit twice arms it once. Each keeps the
   * current trace context (its firing links back to it). Returns the timers armed, soonest first.
   */
  async arm(
    instanceId: string,
    enteredSeq: number,
    timers: readonly TimerToArm[],
    manager: EntityManager,
  ): Promise<PendingTimer[]> {
    if (timers.length === 0) return [];
    const trace = traceColumns();
    const rows = await manager.query<{ transition: string; due_at: Date }[]>(
      `INSERT INTO workflow_timers (instance_id, entered_seq, transition, due_at, traceparent, tracestate)
       SELECT $1, $2, t.transition, (now() AT TIME ZONE 'UTC' + t.duration::interval) AT TIME ZONE 'UTC', $4, $5
       FROM jsonb_to_recordset($3::jsonb) AS t (transition text, duration text)
       ON CONFLICT (instance_id, entered_seq, transition) DO NOTHING
       RETURNING transition, due_at`,
      [instanceId, enteredSeq, JSON.stringify(timers), trace.traceparent, trace.tracestate],
    );
    return rows
      .map((row) => ({ transition: row.transition, dueAt: row.due_at }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.transition.localeCompare(b.transition));
  }

  /**
   * Cancels the instance's pending timers: it is leaving the state they belong to. A timer a worker
   * is firing at this moment is skipped rather than waited for (waiting, with the instance row
   * held, would deadlock against the worker, which holds the timer and waits for the instance);
   * once this unit commits the worker finds the instance has moved on and cancels it itself.
   */
  async cancelPending(instanceId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE workflow_timers SET status = 'cancelled', settled_at = now()
       WHERE id IN (SELECT id FROM workflow_timers WHERE instance_id = $1 AND status = 'pending' FOR UPDATE SKIP LOCKED)`,
      [instanceId],
    );
  }

  /**
   * Claims the most overdue pending timer no other unit of work holds: its row stays locked until
   * this unit ends, so however many workers poll, each timer is in one worker's hands at a time,
   * and a worker that dies releases it with its connection.
   */
  async claimNextDue(manager: EntityManager): Promise<ClaimedTimer | undefined> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT id, instance_id, transition, entered_seq, due_at, traceparent, tracestate FROM workflow_timers
       WHERE status = 'pending' AND due_at <= now() AND (retry_at IS NULL OR retry_at <= now())
       ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    if (!row) return undefined;
    return {
      id: row.id as string,
      instanceId: row.instance_id as string,
      transition: row.transition as string,
      enteredSeq: Number(row.entered_seq),
      dueAt: row.due_at as Date,
      armedBy: storedTraceContext(row),
    };
  }

  /**
   * Records a firing that failed (its unit rolled back) and holds the timer back until its next
   * attempt: `delaySeconds(attempts)` after now. In the claiming unit of work when one is open
   * (the failed firing rolled back to its savepoint), else in a unit of its own.
   */
  async recordFailure(id: string, delaySeconds: (attempts: number) => number): Promise<number | undefined> {
    return this.transactions.run(async (manager) => {
      const [row] = await manager.query<{ attempts: number }[]>(
        `SELECT attempts FROM workflow_timers WHERE id = $1 AND status = 'pending' FOR UPDATE`,
        [id],
      );
      if (!row) return undefined;
      const attempts = row.attempts + 1;
      await manager.query(
        `UPDATE workflow_timers SET attempts = $2, retry_at = now() + make_interval(secs => $3) WHERE id = $1`,
        [id, attempts, delaySeconds(attempts)],
      );
      return attempts;
    });
  }

  async settle(id: string, status: 'fired' | 'cancelled', manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE workflow_timers SET status = $2, settled_at = now() WHERE id = $1`, [id, status]);
  }

  async backlog(): Promise<TimerBacklog> {
    const [row] = await this.transactions.query<{ pending: string; overdue: number | null }>(
      `SELECT count(*) AS pending,
              extract(epoch FROM now() - min(due_at) FILTER (WHERE due_at <= now()))::float8 AS overdue
       FROM workflow_timers WHERE status = 'pending'`,
    );
    return { pending: Number(row.pending), overdueSeconds: Math.max(0, row.overdue ?? 0) };
  }
}
