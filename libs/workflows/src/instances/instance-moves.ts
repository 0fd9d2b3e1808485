import { Injectable } from '@nestjs/common';
import { type AuditEventInput, AuditService } from '@flowgate/audit';
import { AppError, TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { DEFINITION_LIMITS, type WorkflowDefinition } from '../definition/workflow-definition';
import type { Moved, Voted } from '../engine/decision';
import { changeData, type DataChange } from '../engine/change-data';
import { automaticTransition } from '../engine/automatic-transition';
import { assignmentOnEntry } from '../engine/assignment-on-entry';
import { timersOnEntry } from '../engine/timers';
import { WorkflowTimersRepository } from '../timers/workflow-timers.repository';
import { EntryAssignments } from './entry-assignments';
import { InstancePeopleRepository } from './instance-people.repository';
import { actorIdOf, auditActorOf, type MoveActor, timerFacts } from './move-actor';
import { auditSnapshot } from './workflow-dto.mapper';
import type { InstancePast, WorkflowInstance } from './workflow-instance';
import { type InstanceStep, WorkflowInstancesRepository } from './workflow-instances.repository';
import { WorkflowMetrics } from './workflow-metrics';

/** The system as conditions and `set` read it: no id, no roles (as `SYSTEM_ACTOR` in the engine). */
const SYSTEM_BINDING = { id: '', roles: [] } as const;

/** One allowed step: the transition, the engine's verdict, and what the actor sent with it. */
export interface TransitionStep {
  readonly transition: string;
  readonly decision: Moved | Voted;
  readonly input?: unknown;
  readonly comment?: string;
}

/** The locked instance the step applies to, with its definition and past. */
export interface LockedInstance {
  readonly instance: WorkflowInstance;
  readonly definition: WorkflowDefinition;
  readonly past: InstancePast;
  /**
   * The unit of work's `now()` (its transaction's start), when it was read with the lock: the
   * `updated_at` the step writes. Knowing it, a plain step can be held back (`holdStep`).
   */
  readonly unitNow?: Date;
}

/**
 * Writes an allowed transition or vote, for a person or the system alike, in the caller's unit of
 * work on the locked instance: on a move, first the transition's `set` (refused as
 * `invalid_data_change` before anything is written when the data would not be valid), then end
 * the state's assignments and timers (only those the locked instance shows: none, no statement)
 * and arm the new state's (before the state changes, so the instance read back shows them); then
 * one statement for the new state and version (or a vote's version), the actor among the
 * participants (people only), the history line and the outbox event; then the audit event (one
 * insert; the worker seals it into the chain after commit). A vote touches no timer: a quorum in
 * progress does not reset the clock. Each round trip is a turn on the transaction's connection
 * that the instance's lock is held across: fewer of them, shorter turns. So a plain step (no data
 * change, nothing to end or start: `plainStep`) is not read back: the row it leaves is known from
 * the locked one, and the step goes with the audit event and the commit in one round trip.
 */
@Injectable()
export class InstanceMoves {
  constructor(
    private readonly instances: WorkflowInstancesRepository,
    private readonly people: InstancePeopleRepository,
    private readonly timers: WorkflowTimersRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly metrics: WorkflowMetrics,
    private readonly entries: EntryAssignments,
  ) {}

  /** Writes the step, then the automatic transitions it leads to. */
  async apply(
    actor: MoveActor,
    locked: LockedInstance,
    step: TransitionStep,
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    const { updated, lastSeq } = await this.write(actor, locked, step, manager);
    if (step.decision.outcome !== 'moved') return updated;
    return this.followAutomatic(locked.definition, updated, lastSeq, manager);
  }

  /**
   * On entering a state (a start, or any move): the first automatic transition whose condition
   * holds fires as the system, in this unit of work, through the same writer, and so on from the
   * state it leads to (each entry arming its timers, each exit cancelling them). The validator
   * proves automatic transitions cannot loop; the hop limit only guards a definition that escaped
   * it, and fails the whole unit rather than stop half-way.
   */
  async followAutomatic(
    definition: WorkflowDefinition,
    entered: WorkflowInstance,
    lastSeq: number,
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    let current = entered;
    let seq = lastSeq;
    for (let hops = 0; ; hops += 1) {
      const snapshot = { ...current, enteredAt: current.updatedAt };
      const next = automaticTransition(definition, snapshot);
      if (next === undefined) return current;
      if (hops >= DEFINITION_LIMITS.maxAutomaticHops) {
        throw new Error(`automatic transitions of ${definition.key} did not settle in ${hops} hops`);
      }
      const past = { lastSeq: seq, enteredAt: current.updatedAt, actorsByTransition: {}, votes: {} };
      const decision = { allowed: true, outcome: 'moved', from: current.state, to: next.to } as const;
      const written = await this.write(
        { type: 'system' },
        { instance: current, definition, past },
        { transition: next.name, decision },
        manager,
      );
      current = written.updated;
      seq = written.lastSeq;
    }
  }

  /** One step; returns the instance as written and the last history line it wrote. */
  private async write(
    actor: MoveActor,
    locked: LockedInstance,
    step: TransitionStep,
    manager: EntityManager,
  ): Promise<{ updated: WorkflowInstance; lastSeq: number }> {
    const { instance, definition, past } = locked;
    const { decision } = step;
    const moved = decision.outcome === 'moved';
    const to = moved ? decision.to : instance.state;
    const terminal = moved && definition.states.some((state) => state.name === to && state.terminal);
    const seq = past.lastSeq + 1;
    // Before any write: a set that would leave the data invalid refuses the whole step.
    const change = moved ? this.changeOf(actor, locked, step) : undefined;
    const plain = plainStep(locked, to, change);
    if (moved && !plain) {
      // The instance was read under its lock: what it shows assigned and armed is all there is.
      if (instance.assigneeIds.length > 0 || instance.assignedRole !== null) {
        await this.people.clearAssignments(instance.id, manager);
      }
      if (instance.pendingTimers.length > 0) await this.timers.cancelPending(instance.id, manager);
      await this.timers.arm(instance.id, seq, timersOnEntry(definition, to), manager);
    }
    const entered =
      moved && !plain
        ? await this.entries.assign(
            definition,
            { ...instance, state: to, data: change?.data ?? instance.data },
            manager,
          )
        : undefined;
    const changes = change?.changes ?? [];
    const written: InstanceStep = {
      instanceId: instance.id,
      change: {
        state: to,
        terminal,
        ...(moved ? { enteredSeq: seq } : {}),
        ...(change && change.changes.length > 0 ? { data: change.data } : {}),
      },
      participantId: actorIdOf(actor),
      ...this.lineAndEvent(actor, instance, { state: to, terminal }, { ...step, changes }, seq),
    };
    let updated: WorkflowInstance;
    if (plain) {
      updated = {
        ...instance,
        state: to,
        terminal,
        stateEnteredSeq: moved ? seq : instance.stateEnteredSeq,
        version: instance.version + 1,
        updatedAt: plain.unitNow,
      };
      await this.instances.holdStep(written, updated, manager);
    } else {
      updated = await this.instances.writeStep(written, manager);
    }
    await this.audit.record(this.auditEvent(actor, instance, updated, { ...step, changes }), manager);
    if (entered !== undefined) await this.entries.record(entered, updated, seq + 1, manager);
    // Counted once the move is durable: a failed audit write or commit must not show as moved.
    this.transactions.afterCommit(() =>
      this.metrics.transitions.inc({ definition: instance.definitionKey, outcome: decision.outcome }),
    );
    return { updated, lastSeq: entered === undefined ? seq : seq + 1 };
  }

  /** The transition's `set` applied to the data it reads as it stood before this step. */
  private changeOf(
    actor: MoveActor,
    { instance, definition, past }: LockedInstance,
    step: TransitionStep,
  ): { data: unknown; changes: readonly DataChange[] } {
    const verdict = changeData(definition, step.transition, {
      data: instance.data,
      // The system sends no input: an expression reading it cannot be evaluated, and refuses.
      ...(actor.type === 'user' ? { input: step.input ?? null } : {}),
      actor: actor.type === 'user' ? { id: actor.principal.userId, roles: actor.principal.roles } : SYSTEM_BINDING,
      instance: {
        state: instance.state,
        initiatorId: instance.initiatorId,
        createdAt: instance.createdAt,
        enteredAt: past.enteredAt ?? instance.createdAt,
      },
    });
    if (!verdict.ok) {
      throw new AppError('invalid_data_change', verdict.detail, {
        errors: verdict.errors,
        extensions: { transition: step.transition },
      });
    }
    return verdict;
  }

  /** The history line and outbox event of an applied transition or vote (the payload's version comes from the row). */
  private lineAndEvent(
    actor: MoveActor,
    before: WorkflowInstance,
    after: { readonly state: string; readonly terminal: boolean },
    step: TransitionStep & { readonly changes: readonly DataChange[] },
    seq: number,
  ): Pick<InstanceStep, 'history' | 'event'> {
    const kind = step.decision.outcome === 'moved' ? 'moved' : 'voted';
    const actorId = actorIdOf(actor);
    return {
      history: {
        seq,
        kind,
        transition: step.transition,
        fromState: before.state,
        toState: after.state,
        actorId,
        assigneeId: null,
        input: step.input ?? null,
        comment: step.comment ?? null,
        changes: step.changes,
        ...(actor.type === 'system' && actor.timer !== undefined ? { timerId: actor.timer.id } : {}),
      },
      event: {
        topic: kind === 'moved' ? 'workflow.transitioned' : 'workflow.vote_recorded',
        payload: {
          workflowId: before.id,
          definitionKey: before.definitionKey,
          definitionVersion: before.definitionVersion,
          transition: step.transition,
          from: before.state,
          to: after.state,
          terminal: after.terminal,
          actorType: actor.type,
          actorId,
          ...timerFacts(actor),
        },
      },
    };
  }

  /** The audit event of an applied transition or vote, written last (see the class comment). */
  private auditEvent(
    actor: MoveActor,
    before: WorkflowInstance,
    after: WorkflowInstance,
    step: TransitionStep & { readonly changes: readonly DataChange[] },
  ): AuditEventInput {
    const input = step.input ?? null;
    return {
      actor: auditActorOf(actor),
      action: step.decision.outcome === 'moved' ? 'workflow.transitioned' : 'workflow.vote_recorded',
      resource: { type: 'workflow', id: after.id },
      outcome: 'succeeded',
      before: auditSnapshot(before),
      after: {
        ...auditSnapshot(after),
        transition: step.transition,
        input,
        ...(step.changes.length > 0 ? { changes: step.changes } : {}),
        ...timerFacts(actor),
      },
    };
  }
}

/**
 * Whether the step is plain enough for its outcome to be known without reading it back, and the
 * unit's `now()` it then writes: the lock's read gave the time, the data does not change, and a
 * move leaves nothing to end or start (no assignees, role queue or timers now, none on entering
 * `to`). The row the step leaves is then the locked one with the new state, version, entered
 * line and time, so the step can be held back to go with the unit's commit (one round trip
 * fewer, `holdStep`). Anything else is written and read back (`writeStep`).
 */
function plainStep(
  { instance, definition, unitNow }: LockedInstance,
  to: string,
  change: { readonly changes: readonly DataChange[] } | undefined,
): { readonly unitNow: Date } | undefined {
  if (unitNow === undefined || (change !== undefined && change.changes.length > 0)) return undefined;
  // A vote (no change computed: it does not move) ends and starts nothing.
  if (change === undefined) return { unitNow };
  const quiet =
    instance.assigneeIds.length === 0 &&
    instance.assignedRole === null &&
    instance.pendingTimers.length === 0 &&
    timersOnEntry(definition, to).length === 0 &&
    assignmentOnEntry(definition, to, instance) === undefined;
  return quiet ? { unitNow } : undefined;
}
