import { Injectable } from '@nestjs/common';
import { AuditService, userActor } from '@flowgate/audit';
import { AccessDenials, type Principal } from '@flowgate/auth';
import { AppError, assertIfMatch, TransactionRunner, withETag } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { decide } from '../engine/decide';
import type { Denial, Moved, Voted } from '../engine/decision';
import type { TransitionRequestDto } from './dto/transition-request.dto';
import type { TransitionResultDto } from './dto/transition-result.dto';
import { InstanceAccess } from './instance-access';
import { InstancePeopleRepository } from './instance-people.repository';
import { denialError, isAuditedDenial } from './workflow-denial-error';
import { auditSnapshot, toWorkflowDto } from './workflow-dto.mapper';
import type { WorkflowInstance } from './workflow-instance';
import { WorkflowInstancesRepository } from './workflow-instances.repository';
import { WorkflowMetrics } from './workflow-metrics';

/**
 * Taking a transition (DESIGN §5), in one unit of work: lock the instance (one the caller may not
 * see is `not_found`), check `If-Match`, ask the engine, then write the new state and version (or
 * record the quorum vote), end the state's assignments on a move, add the actor to the
 * participants, and append the history line, the outbox event and the audit event — last, so the
 * audit chain is held only for the commit. The idempotency layer stores its record in the same
 * transaction. A denial writes nothing here; it is audited on its own once this unit has rolled
 * back.
 */
@Injectable()
export class WorkflowTransitionsService {
  constructor(
    private readonly instances: WorkflowInstancesRepository,
    private readonly people: InstancePeopleRepository,
    private readonly access: InstanceAccess,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly denials: AccessDenials,
    private readonly metrics: WorkflowMetrics,
  ) {}

  take(
    principal: Principal,
    id: string,
    request: TransitionRequestDto,
    ifMatch: string | undefined,
  ): Promise<TransitionResultDto> {
    return this.transactions.run(async (manager) => {
      const { instance, definition, past, request: asked } = await this.access.lockVisible(principal, id, manager);
      if (ifMatch !== undefined) assertIfMatch(ifMatch, instance.version);
      const decision = decide({ ...asked, transitionName: request.name, input: request.input });
      if (!decision.allowed) throw await this.refuse(principal, instance, request.name, decision);

      const moved = decision.outcome === 'moved';
      const to = moved ? decision.to : instance.state;
      const terminal = moved && definition.states.some((state) => state.name === to && state.terminal);
      const seq = past.lastSeq + 1;
      if (moved) await this.people.clearAssignments(id, manager);
      const updated = await this.instances.update(
        id,
        { state: to, terminal, ...(moved ? { enteredSeq: seq } : {}) },
        manager,
      );
      await this.people.addParticipants(updated, [principal.userId], manager);
      await this.record(principal, instance, updated, request, decision, seq, manager);
      // Counted once the move is durable: a failed audit write or commit must not show as moved.
      this.transactions.afterCommit(() =>
        this.metrics.transitions.inc({ definition: instance.definitionKey, outcome: decision.outcome }),
      );
      const result: TransitionResultDto = {
        outcome: decision.outcome,
        transition: request.name,
        ...(moved ? {} : { votes: decision.votes, required: decision.required }),
        workflow: toWorkflowDto(updated),
      };
      return withETag(result, updated.version);
    });
  }

  /** History, outbox and audit for an applied transition or vote, in the transition's unit of work. */
  private async record(
    principal: Principal,
    before: WorkflowInstance,
    after: WorkflowInstance,
    request: TransitionRequestDto,
    decision: Moved | Voted,
    seq: number,
    manager: EntityManager,
  ): Promise<void> {
    const kind = decision.outcome === 'moved' ? 'moved' : 'voted';
    await this.instances.appendHistory(
      after.id,
      {
        seq,
        kind,
        transition: request.name,
        fromState: before.state,
        toState: after.state,
        actorId: principal.userId,
        assigneeId: null,
        input: request.input ?? null,
        comment: request.comment ?? null,
      },
      manager,
    );
    await this.instances.appendOutbox(
      {
        topic: kind === 'moved' ? 'workflow.transitioned' : 'workflow.vote_recorded',
        aggregateId: after.id,
        payload: {
          workflowId: after.id,
          definitionKey: after.definitionKey,
          definitionVersion: after.definitionVersion,
          transition: request.name,
          from: before.state,
          to: after.state,
          terminal: after.terminal,
          actorId: principal.userId,
          version: after.version,
        },
      },
      manager,
    );
    await this.audit.record(
      {
        actor: userActor(principal),
        action: kind === 'moved' ? 'workflow.transitioned' : 'workflow.vote_recorded',
        resource: { type: 'workflow', id: after.id },
        outcome: 'succeeded',
        before: auditSnapshot(before),
        after: { ...auditSnapshot(after), transition: request.name, input: request.input ?? null },
      },
      manager,
    );
  }

  /** Audits a denial worth keeping (after this unit rolls back) and returns the error to throw. */
  private async refuse(
    principal: Principal,
    instance: WorkflowInstance,
    transition: string,
    denial: Denial,
  ): Promise<AppError> {
    this.metrics.transitions.inc({ definition: instance.definitionKey, outcome: denial.reason });
    const error = denialError(denial, principal);
    if (isAuditedDenial(denial)) {
      await this.denials.record({
        principal,
        action: 'workflow.transition',
        resource: { type: 'workflow', id: instance.id },
        reason: error.code,
        detail: { transition, state: instance.state, engineReason: denial.reason },
      });
    }
    return error;
  }
}
