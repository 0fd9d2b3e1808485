import { Injectable } from '@nestjs/common';
import type { Principal } from '@flowgate/auth';
import { AppError } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { maySee, seesEverything } from '../authority/instance-authority';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { WorkflowDefinitionStore } from '../definitions/workflow-definition-store';
import type { AvailabilityRequest } from '../engine/decision';
import { availabilityRequest } from './engine-request';
import type { InstancePast, ViewedInstance, WorkflowInstance } from './workflow-instance';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/** One instance as a caller may use it: the instance, its definition, and (once read) its past. */
export interface InstanceInView {
  readonly instance: WorkflowInstance;
  readonly definition: WorkflowDefinition;
}

/** An instance with its past, ready to ask the engine about. */
export interface InstanceInContext extends InstanceInView {
  readonly past: InstancePast;
  readonly request: AvailabilityRequest;
  /** Read with the lock: the unit of work's `now()` (`LockedInstance.unitNow`). */
  readonly unitNow?: Date;
}

/**
 * Finds an instance for a caller, or answers that it does not exist: an instance they may not see
 * is `not_found` with the same words as one that never existed, so its existence does not leak
 * (docs/workflows.md "Who may do what"). The cheap reasons to see it (admin or auditor, an open
 * definition, taking part in it) are checked first; only the rest needs its history.
 */
@Injectable()
export class InstanceAccess {
  constructor(
    private readonly instances: WorkflowInstancesRepository,
    private readonly definitions: WorkflowDefinitionStore,
  ) {}

  /** For reads: no lock. */
  async visible(principal: Principal, id: string): Promise<InstanceInView> {
    const viewed = await this.instances.findById(id, principal.userId);
    if (!viewed) throw notFound(id);
    const published = this.definitions.version(viewed.instance.definitionKey, viewed.instance.definitionVersion);
    const { definition } = published instanceof Promise ? await published : published;
    if (visibleWithoutHistory(principal, viewed, definition)) return { instance: viewed.instance, definition };
    const past = await this.instances.past(id);
    if (!maySee(availabilityRequest(definition, viewed.instance, past, principal), viewed.viewerParticipates)) {
      throw notFound(id);
    }
    return { instance: viewed.instance, definition };
  }

  /** For changes: the instance row locked for the rest of the unit of work, and its past read. */
  async lockVisible(principal: Principal, id: string, manager: EntityManager): Promise<InstanceInContext> {
    const locked = await this.instances.lockWithPast(id, principal.userId, manager);
    if (!locked) throw notFound(id);
    const { viewed, past, unitNow } = locked;
    const { instance } = viewed;
    const published = this.definitions.version(instance.definitionKey, instance.definitionVersion);
    const { definition } = published instanceof Promise ? await published : published;
    const request = availabilityRequest(definition, instance, past, principal);
    if (!maySee(request, viewed.viewerParticipates)) throw notFound(id);
    return { instance, definition, past, request, unitNow };
  }

  /** The past and engine request of an instance already known to be visible. */
  async inContext(principal: Principal, view: InstanceInView): Promise<InstanceInContext> {
    const past = await this.instances.past(view.instance.id);
    return { ...view, past, request: availabilityRequest(view.definition, view.instance, past, principal) };
  }
}

function visibleWithoutHistory(principal: Principal, viewed: ViewedInstance, definition: WorkflowDefinition): boolean {
  return (
    seesEverything(principal) ||
    definition.visibility === 'authenticated' ||
    viewed.viewerParticipates ||
    viewed.instance.initiatorId === principal.userId
  );
}

export function notFound(id: string): AppError {
  return new AppError('not_found', `There is no workflow ${id}.`);
}
