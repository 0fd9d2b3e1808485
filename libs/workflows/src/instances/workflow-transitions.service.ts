import { Injectable } from '@nestjs/common';
import { AccessDenials, type Principal } from '@flowgate/auth';
import { AppError, assertIfMatch, TransactionRunner, withETag } from '@flowgate/core';
import { decide } from '../engine/decide';
import type { Denial } from '../engine/decision';
import type { TransitionRequestDto } from './dto/transition-request.dto';
import type { TransitionResultDto } from './dto/transition-result.dto';
import { InstanceAccess } from './instance-access';
import { InstanceMoves } from './instance-moves';
import { denialError, isAuditedDenial } from './workflow-denial-error';
import { toWorkflowDto } from './workflow-dto.mapper';
import type { WorkflowInstance } from './workflow-instance';
import { WorkflowMetrics } from './workflow-metrics';

/**
 * Taking a transition (DESIGN §5), in one unit of work: lock the instance (one the caller may not
 * see is `not_found`), check `If-Match`, ask the engine, then let `InstanceMoves` write the step
 * (state, assignments, timers, participants, history, outbox, audit: the same writer a timer
 * firing as the system uses). The idempotency layer stores its record in the same transaction. A
 * denial writes nothing here; it is audited on its own once this unit has rolled back.
 */
@Injectable()
export class WorkflowTransitionsService {
  constructor(
    private readonly access: InstanceAccess,
    private readonly moves: InstanceMoves,
    private readonly transactions: TransactionRunner,
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
      const locked = await this.access.lockVisible(principal, id, manager);
      const { instance, request: asked } = locked;
      if (ifMatch !== undefined) assertIfMatch(ifMatch, instance.version);
      const decision = decide({ ...asked, transitionName: request.name, input: request.input });
      if (!decision.allowed) throw await this.refuse(principal, instance, request.name, decision);

      const step = { transition: request.name, decision, input: request.input, comment: request.comment };
      const updated = await this.moves.apply({ type: 'user', principal }, locked, step, manager);
      const result: TransitionResultDto = {
        outcome: decision.outcome,
        transition: request.name,
        ...(decision.outcome === 'moved' ? {} : { votes: decision.votes, required: decision.required }),
        workflow: toWorkflowDto(updated),
      };
      return withETag(result, updated.version);
    });
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
