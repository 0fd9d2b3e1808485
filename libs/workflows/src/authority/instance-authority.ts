import { satisfies } from '@flowgate/roles';
import { availableTransitions, type AvailableTransition } from '../engine/available-transitions';
import type { AvailabilityRequest, DecisionBeforeInput, EnginePrincipal } from '../engine/decision';
import { indexOf } from '../engine/definition-index';

/**
 * Authority over one instance beyond the verdict on one transition: who may act on it now, who
 * could be assigned to it, and who may see it. Pure, like the engine it builds on, so the SQL that
 * answers the same questions for lists (`authority-rules.ts`) can be checked against it.
 */

/**
 * A transition is offered to someone when the engine allows it, or refuses it only for want of a
 * recent step-up: the work waits for the person, and a stronger sign-in is theirs to give. Since
 * the engine checks step-up last, such a refusal means every other rule passed.
 */
export function isOffered(decision: DecisionBeforeInput): boolean {
  return decision.allowed || decision.reason === 'step_up_required';
}

/** The transitions out of the current state offered to the request's principal. */
export function offeredTransitions(request: AvailabilityRequest): AvailableTransition[] {
  return availableTransitions(request).filter((transition) => isOffered(transition.decision));
}

/** "Waiting for me": the principal could take at least one transition out of the current state. */
export function mayActNow(request: AvailabilityRequest): boolean {
  return offeredTransitions(request).length > 0;
}

/**
 * The transitions a person could take if they were assigned, which is what assigning them (or
 * their claiming) is for. Step-up is a property of a sign-in, not of a person, so it is assumed.
 * Transitions only the initiator may take are left out: they need no assignment, and counting
 * them would let a requester claim their own request. While the state is queued to a role, only
 * someone holding it (or a role that implies it) may be assigned: none for anyone else.
 */
export function assignableFor(request: AvailabilityRequest, person: EnginePrincipal): string[] {
  const { instance } = request;
  if (instance.assignedRole && !satisfies(person.roles, instance.assignedRole)) return [];
  const asAssigned: AvailabilityRequest = {
    ...request,
    instance: {
      ...instance,
      assigneeIds: instance.assigneeIds.includes(person.userId)
        ? instance.assigneeIds
        : [...instance.assigneeIds, person.userId],
    },
    principal: { ...person, stepUpSatisfied: true },
  };
  const byName = indexOf(request.definition).transitions;
  return offeredTransitions(asAssigned)
    .filter((transition) => byName.get(transition.name)?.actor !== 'initiator')
    .map((transition) => transition.name);
}

/**
 * Claimable: nobody is assigned yet and the principal could be. Whoever may claim an instance may
 * see it, so a queue of unassigned work can be found before it is taken.
 */
export function mayClaim(request: AvailabilityRequest): boolean {
  return request.instance.assigneeIds.length === 0 && assignableFor(request, request.principal).length > 0;
}

/**
 * "Waiting for me": a transition out of the current state is offered to the principal now, or
 * the state is queued to a role they hold and they may claim it — the queue is theirs to take
 * until someone is assigned (Camunda's candidate groups, a Jira team queue). Once a person is
 * assigned, it waits for whoever is offered a transition, as without a queue.
 */
export function waitsFor(request: AvailabilityRequest): boolean {
  return mayActNow(request) || (Boolean(request.instance.assignedRole) && mayClaim(request));
}

/** Admins and auditors see every instance: they administer and review the whole system. */
export function seesEverything(principal: Pick<EnginePrincipal, 'roles'>): boolean {
  return satisfies(principal.roles, 'admin') || satisfies(principal.roles, 'auditor');
}

/**
 * Who may see an instance, its history and its available transitions: admins and auditors, every
 * authenticated user when the definition says `visibility: authenticated`, its participants
 * (initiator, anyone ever assigned, anyone who acted or voted), and whoever could act on it or
 * claim it now. Everyone else is told it does not exist.
 */
export function maySee(request: AvailabilityRequest, isParticipant: boolean): boolean {
  return (
    seesEverything(request.principal) ||
    request.definition.visibility === 'authenticated' ||
    isParticipant ||
    request.instance.initiatorId === request.principal.userId ||
    mayActNow(request) ||
    mayClaim(request)
  );
}
