import { Injectable } from '@nestjs/common';
import { AuditService, userActor } from '@flowgate/audit';
import { AccessDenials, satisfies, type Principal, type Role } from '@flowgate/auth';
import { AppError, assertIfMatch, TransactionRunner, withETag } from '@flowgate/core';
import { PersonAccessReader } from '@flowgate/users';
import type { EntityManager } from 'typeorm';
import { assignableFor } from '../authority/instance-authority';
import type { DelegateRequestDto } from './dto/delegate-request.dto';
import type { WorkflowDto } from './dto/workflow.dto';
import { enginePrincipal } from './engine-request';
import { assignmentChangedEvent } from './assignment-event';
import { InstanceAccess, type InstanceInContext } from './instance-access';
import { InstancePeopleRepository } from './instance-people.repository';
import { auditSnapshot, toWorkflowDto } from './workflow-dto.mapper';
import type { HistoryKind, WorkflowInstance } from './workflow-instance';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

type AssignmentAction = 'assign' | 'unassign' | 'claim' | 'delegate';

/** What one assignment request changes: whom it adds and removes, and how history tells it. */
interface AssignmentChange {
  readonly add?: string;
  readonly remove?: string;
  readonly kind: Extract<HistoryKind, 'assigned' | 'unassigned' | 'delegated'>;
  /** The person the history line and events are about. */
  readonly assigneeId: string;
  readonly comment?: string;
}

const AUDIT_ACTIONS: Record<AssignmentAction, string> = {
  assign: 'workflow.assigned',
  unassign: 'workflow.unassigned',
  claim: 'workflow.claimed',
  delegate: 'workflow.delegated',
};

/**
 * Who is assigned to an instance (docs/workflows.md "Assignment"): admins assign and unassign,
 * an eligible person claims unassigned work, an assignee unassigns themself or hands over to
 * another eligible person. Someone is eligible when, assigned, they could take a transition out
 * of the current state. Each change is one unit of work on the locked instance: the assignment,
 * a new version (its ETag moves), the participants, a history line, an outbox event and an audit
 * event. A change that changes nothing (assigning someone already assigned) writes nothing.
 * Refusals write nothing and are audited once the unit has rolled back.
 */
@Injectable()
export class WorkflowAssignmentsService {
  constructor(
    private readonly access: InstanceAccess,
    private readonly instances: WorkflowInstancesRepository,
    private readonly people: InstancePeopleRepository,
    private readonly persons: PersonAccessReader,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly denials: AccessDenials,
  ) {}

  assign(principal: Principal, id: string, userId: string, ifMatch: string | undefined): Promise<WorkflowDto> {
    const person = userId.toLowerCase();
    return this.change(principal, id, 'assign', ifMatch, async (context) => {
      await this.assertEligible(context, person, 'assign');
      if (context.instance.assigneeIds.includes(person)) return undefined;
      return { add: person, kind: 'assigned', assigneeId: person };
    });
  }

  unassign(principal: Principal, id: string, userId: string, ifMatch: string | undefined): Promise<WorkflowDto> {
    const person = userId.toLowerCase();
    return this.change(principal, id, 'unassign', ifMatch, (context) => {
      if (person !== principal.userId && !satisfies(principal.roles, 'admin')) {
        throw new AppError('forbidden', 'Only an admin, or the assignee themself, may unassign someone.');
      }
      if (!context.instance.assigneeIds.includes(person)) return Promise.resolve(undefined);
      return Promise.resolve({ remove: person, kind: 'unassigned', assigneeId: person });
    });
  }

  claim(principal: Principal, id: string, ifMatch: string | undefined): Promise<WorkflowDto> {
    return this.change(principal, id, 'claim', ifMatch, (context) => {
      const { instance } = context;
      if (assignableFor(context.request, enginePrincipal(principal)).length === 0) {
        throw notEligible('You', instance, principal.roles);
      }
      if (instance.assigneeIds.includes(principal.userId)) return Promise.resolve(undefined);
      if (instance.assigneeIds.length > 0) {
        throw new AppError('already_assigned', 'Someone is already assigned to this workflow; it cannot be claimed.', {
          extensions: { assigneeIds: instance.assigneeIds },
        });
      }
      return Promise.resolve({ add: principal.userId, kind: 'assigned', assigneeId: principal.userId });
    });
  }

  delegate(
    principal: Principal,
    id: string,
    request: DelegateRequestDto,
    ifMatch: string | undefined,
  ): Promise<WorkflowDto> {
    return this.change(principal, id, 'delegate', ifMatch, async (context) => {
      const { instance } = context;
      if (!instance.assigneeIds.includes(principal.userId)) {
        throw new AppError('assignee_only', 'Only a person assigned to this workflow may hand it over.');
      }
      const to = request.to.toLowerCase();
      if (to === principal.userId) {
        throw new AppError('validation_failed', 'You cannot hand the workflow over to yourself.', {
          errors: [{ pointer: '/body/to', code: 'same_person', detail: 'must be someone other than you' }],
        });
      }
      await this.assertEligible(context, to, 'delegate');
      if (instance.assigneeIds.includes(to)) {
        throw new AppError('already_assigned', `${to} is already assigned; unassign yourself instead.`, {
          extensions: { assigneeIds: instance.assigneeIds },
        });
      }
      return { add: to, remove: principal.userId, kind: 'delegated', assigneeId: to, comment: request.comment };
    });
  }

  /**
   * The unit of work every assignment request shares: lock the visible instance, check `If-Match`,
   * let `decide` say what changes (or refuse), then write it all.
   */
  private async change(
    principal: Principal,
    id: string,
    action: AssignmentAction,
    ifMatch: string | undefined,
    decide: (context: InstanceInContext) => Promise<AssignmentChange | undefined>,
  ): Promise<WorkflowDto> {
    const result = await this.transactions.run(async (manager) => {
      const context = await this.access.lockVisible(principal, id, manager);
      if (ifMatch !== undefined) assertIfMatch(ifMatch, context.instance.version);
      let change: AssignmentChange | undefined;
      try {
        change = await decide(context);
      } catch (error) {
        throw await this.refused(principal, context.instance, action, error);
      }
      if (!change) return context.instance;
      return this.apply(principal, context, action, change, manager);
    });
    return withETag(toWorkflowDto(result), result.version);
  }

  private async apply(
    principal: Principal,
    { instance, past }: InstanceInContext,
    action: AssignmentAction,
    change: AssignmentChange,
    manager: EntityManager,
  ): Promise<WorkflowInstance> {
    if (change.remove) await this.people.unassign(instance.id, change.remove, manager);
    if (change.add) await this.people.assign(instance.id, change.add, principal.userId, manager);
    const updated = await this.instances.touch(instance, manager);
    await this.people.addParticipants(updated, [principal.userId, change.assigneeId], manager);
    await this.instances.appendHistory(
      instance.id,
      {
        seq: past.lastSeq + 1,
        kind: change.kind,
        transition: null,
        fromState: null,
        toState: instance.state,
        actorId: principal.userId,
        assigneeId: change.assigneeId,
        input: null,
        comment: change.comment ?? null,
      },
      manager,
    );
    await this.instances.appendOutbox(
      assignmentChangedEvent(updated, change.kind, principal.userId, change.assigneeId),
      manager,
    );
    await this.audit.record(
      {
        actor: userActor(principal),
        action: AUDIT_ACTIONS[action],
        resource: { type: 'workflow', id: instance.id },
        outcome: 'succeeded',
        before: auditSnapshot(instance),
        after: { ...auditSnapshot(updated), assigneeId: change.assigneeId },
      },
      manager,
    );
    return updated;
  }

  /** Someone may be assigned only if, assigned, they could take a transition out of the state. */
  private async assertEligible(context: InstanceInContext, userId: string, action: AssignmentAction): Promise<void> {
    const person = await this.persons.find(userId);
    if (!person || person.status !== 'active') {
      throw new AppError('not_eligible', `There is no active user ${userId} to ${action} to.`);
    }
    const transitions = assignableFor(context.request, { ...person, stepUpSatisfied: true });
    if (transitions.length === 0) throw notEligible(`User ${userId}`, context.instance, person.roles);
  }

  /** Audits a refusal worth keeping (once this unit rolls back) and returns the error to throw. */
  private async refused(
    principal: Principal,
    instance: WorkflowInstance,
    action: AssignmentAction,
    error: unknown,
  ): Promise<unknown> {
    if (error instanceof AppError && error.code !== 'validation_failed') {
      await this.denials.record({
        principal,
        action: `workflow.${action}`,
        resource: { type: 'workflow', id: instance.id },
        reason: error.code,
        detail: { state: instance.state },
      });
    }
    return error;
  }
}

/** Not eligible: outside the role the state is queued to, or no transition out of it would be theirs. */
function notEligible(who: string, instance: WorkflowInstance, roles: readonly Role[]): AppError {
  const { assignedRole } = instance;
  if (assignedRole !== null && !satisfies(roles, assignedRole)) {
    return new AppError(
      'not_eligible',
      `${who}: ${JSON.stringify(instance.state)} is queued to the role ${JSON.stringify(assignedRole)}, which only its holders may take.`,
      { extensions: { state: instance.state, assignedRole } },
    );
  }
  return new AppError(
    'not_eligible',
    `${who} could take none of the transitions out of ${JSON.stringify(instance.state)}, even if assigned.`,
    { extensions: { state: instance.state } },
  );
}
