import { Injectable } from '@nestjs/common';
import { AuditService } from '@flowgate/audit';
import type { Role } from '@flowgate/roles';
import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { assignmentOnEntry } from '../engine/assignment-on-entry';
import { assignmentChangedEvent } from './assignment-event';
import { InstancePeopleRepository } from './instance-people.repository';
import type { WorkflowInstance } from './workflow-instance';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/** What a state's `assignTo` came to on entry: the person assigned, the role queued to, or why nobody was. */
export type EntryOutcome = { readonly assigneeId: string } | { readonly role: Role } | { readonly nobody: string };

/**
 * A state's `assignTo` (docs/workflows.md "Assignment on entry"), in the unit of work of the
 * entry (a start or a move, by a person or the system). `assign` writes the assignment row (or
 * the role queue) before the instance is written, so the instance read back shows its assignee
 * (or queue); `record` then writes the history line, the outbox event and the audit event an
 * assignment through the API writes, with the system as the one who assigned. A data field that names nobody who exists leaves the entry
 * unassigned and says so (`not_assigned`): the transition itself never fails for it.
 */
@Injectable()
export class EntryAssignments {
  constructor(
    private readonly instances: WorkflowInstancesRepository,
    private readonly people: InstancePeopleRepository,
    private readonly audit: AuditService,
  ) {}

  async assign(
    definition: WorkflowDefinition,
    instance: { readonly id: string; readonly state: string; readonly initiatorId: string; readonly data: unknown },
    manager: EntityManager,
  ): Promise<EntryOutcome | undefined> {
    const wanted = assignmentOnEntry(definition, instance.state, instance);
    if (wanted === undefined) return undefined;
    if ('nobody' in wanted) return wanted;
    if ('role' in wanted) {
      await this.people.queueToRole(instance.id, wanted.role, manager);
      return wanted;
    }
    const exists = await this.people.assign(instance.id, wanted.userId, null, manager);
    return exists ? { assigneeId: wanted.userId } : { nobody: 'the user it names does not exist' };
  }

  /** History line `seq`, outbox and audit for an outcome of `assign`, on the instance as written. */
  async record(outcome: EntryOutcome, instance: WorkflowInstance, seq: number, manager: EntityManager): Promise<void> {
    const assigneeId = 'assigneeId' in outcome ? outcome.assigneeId : null;
    const role = 'role' in outcome ? outcome.role : undefined;
    const assigned = 'nobody' in outcome ? undefined : role === undefined ? { assigneeId } : { assignedRole: role };
    if (assigneeId !== null) await this.people.addParticipants(instance, [assigneeId], manager);
    await this.instances.appendHistory(
      instance.id,
      {
        seq,
        kind: assigned === undefined ? 'not_assigned' : 'assigned',
        transition: null,
        fromState: null,
        toState: instance.state,
        actorId: null,
        assigneeId,
        ...(role === undefined ? {} : { assignedRole: role }),
        input: null,
        comment: 'nobody' in outcome ? `assignTo: ${outcome.nobody}` : null,
      },
      manager,
    );
    if (assigned !== undefined) {
      await this.instances.appendOutbox(assignmentChangedEvent(instance, 'assigned', null, assigneeId), manager);
    }
    await this.audit.record(
      {
        actor: { type: 'system' },
        action: assigned === undefined ? 'workflow.not_assigned' : 'workflow.assigned',
        resource: { type: 'workflow', id: instance.id },
        outcome: 'succeeded',
        after: {
          state: instance.state,
          assigneeIds: [...instance.assigneeIds],
          version: instance.version,
          ...('nobody' in outcome ? { reason: `assignTo: ${outcome.nobody}` } : assigned),
        },
      },
      manager,
    );
  }
}
