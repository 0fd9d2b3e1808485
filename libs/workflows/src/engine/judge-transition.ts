import { satisfies } from '@flowgate/roles';
import type { TransitionDefinition, WorkflowDefinition } from '../definition/workflow-definition';
import { idsFor, indexOf } from './definition-index';
import { judgeCondition } from './judge-condition';
import type { AvailabilityRequest, DecisionBeforeInput, PlaceDenial } from './decision';

/**
 * Everything `decide` checks except the input, in its order: existence, terminal state, from-state,
 * role, actor rule, separation of duties, condition (unless it reads the input), repeated vote,
 * step-up; then what taking it would do.
 */
export function judgeTransition(request: AvailabilityRequest, transitionName: string): DecisionBeforeInput {
  const { definition, instance, principal } = request;
  const place = judgePlace(definition, instance.state, transitionName);
  if (!place.allowed) return place;
  const { transition } = place;
  const name = JSON.stringify(transition.name);
  if (transition.role !== undefined && !satisfies(principal.roles, transition.role)) {
    return {
      allowed: false,
      reason: 'insufficient_role',
      detail: `${name} requires the ${transition.role} role`,
      requiredRole: transition.role,
    };
  }
  const verdict =
    judgeActor(request, transition) ??
    judgeSeparationOfDuties(request, transition) ??
    judgeCondition(definition, instance, principal, transition) ??
    judgeVote(request, transition);
  if (verdict.allowed && transition.stepUp && !principal.stepUpSatisfied) {
    return {
      allowed: false,
      reason: 'step_up_required',
      detail: `${name} requires a recent strong authentication (step-up)`,
    };
  }
  return verdict;
}

/**
 * Whether the transition exists and leaves `state` at all, whoever asks: the checks a timer firing
 * as the system shares with a person's transition (`decideTimer`).
 */
export function judgePlace(
  definition: WorkflowDefinition,
  state: string,
  transitionName: string,
): { readonly allowed: true; readonly transition: TransitionDefinition } | PlaceDenial {
  const index = indexOf(definition);
  const transition = index.transitions.get(transitionName);
  if (transition === undefined) {
    return {
      allowed: false,
      reason: 'unknown_transition',
      detail: `${JSON.stringify(transitionName)} is not a transition of workflow ${JSON.stringify(definition.key)}`,
    };
  }
  const name = JSON.stringify(transition.name);
  if (index.states.get(state)?.terminal === true) {
    return {
      allowed: false,
      reason: 'terminal_state',
      detail: `the instance is in ${JSON.stringify(state)}, a terminal state: it cannot change any more`,
      state,
    };
  }
  if (!transition.from.includes(state)) {
    const possibleTransitions = (index.leaving.get(state) ?? []).map((possible) => possible.name);
    const possible = possibleTransitions.length === 0 ? 'none' : possibleTransitions.join(', ');
    return {
      allowed: false,
      reason: 'not_from_current_state',
      detail: `${name} does not leave ${JSON.stringify(state)}; the transitions that do: ${possible}`,
      state,
      possibleTransitions,
    };
  }
  return { allowed: true, transition };
}

/** `actor: initiator` and `actor: assignee` narrow the role holders to one person or a few. */
function judgeActor(
  { instance, principal }: AvailabilityRequest,
  transition: TransitionDefinition,
): DecisionBeforeInput | undefined {
  const name = JSON.stringify(transition.name);
  if (transition.actor === 'initiator' && principal.userId !== instance.initiatorId) {
    return { allowed: false, reason: 'initiator_only', detail: `only whoever started the instance may take ${name}` };
  }
  if (transition.actor === 'assignee' && !instance.assigneeIds.includes(principal.userId)) {
    return {
      allowed: false,
      reason: 'assignee_only',
      detail: `only a person assigned to the instance may take ${name}`,
    };
  }
  return undefined;
}

function judgeSeparationOfDuties(
  { instance, principal, actorsByTransition }: AvailabilityRequest,
  transition: TransitionDefinition,
): DecisionBeforeInput | undefined {
  const name = JSON.stringify(transition.name);
  const { notInitiator, notPreviousActorOf } = transition.separationOfDuties;
  if (notInitiator && principal.userId === instance.initiatorId) {
    return {
      allowed: false,
      reason: 'separation_of_duties',
      detail: `whoever started the instance may not take ${name}`,
      rule: 'notInitiator',
    };
  }
  const previousTransition = notPreviousActorOf.find((previous) =>
    idsFor(actorsByTransition, previous).includes(principal.userId),
  );
  if (previousTransition !== undefined) {
    return {
      allowed: false,
      reason: 'separation_of_duties',
      detail: `whoever took ${JSON.stringify(previousTransition)} on this instance may not take ${name}`,
      rule: 'notPreviousActorOf',
      previousTransition,
    };
  }
  return undefined;
}

/** A quorum counts distinct people: repeated ids in `votes` count once, and a voter never twice. */
function judgeVote(
  { instance, principal, votes }: AvailabilityRequest,
  transition: TransitionDefinition,
): DecisionBeforeInput {
  const moved = { allowed: true, outcome: 'moved', from: instance.state, to: transition.to } as const;
  if (transition.quorum <= 1) return moved;
  const voters = new Set(idsFor(votes, transition.name));
  const required = transition.quorum;
  if (voters.has(principal.userId)) {
    return {
      allowed: false,
      reason: 'already_voted',
      detail: `you already voted for ${JSON.stringify(transition.name)} (${voters.size} of ${required} votes)`,
      votes: voters.size,
      required,
    };
  }
  const count = voters.size + 1;
  return count >= required ? moved : { allowed: true, outcome: 'voted', votes: count, required };
}
