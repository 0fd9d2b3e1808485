import type { WorkflowDefinition } from '../definition/workflow-definition';
import { indexOf } from './definition-index';
import type { Moved, PlaceDenial } from './decision';
import { judgePlace } from './judge-transition';

/** A timer to arm when an instance enters a state: the transition and its ISO 8601 duration. */
export interface TimerToArm {
  readonly transition: string;
  readonly duration: string;
}

/**
 * The timers an instance arms on entering `state` (by a start or a move, the same state again
 * included): one per transition leaving it that has a `timer`, in definition order. None for a
 * terminal state, which nothing leaves.
 */
export function timersOnEntry(definition: WorkflowDefinition, state: string): TimerToArm[] {
  const leaving = indexOf(definition).leaving.get(state) ?? [];
  return leaving.flatMap((transition) =>
    transition.timer === undefined ? [] : [{ transition: transition.name, duration: transition.timer }],
  );
}

/**
 * Judges a timer firing as the system actor. Only the instance's place is checked (the transition
 * exists, the state is not terminal and the transition leaves it): role, actor, separation of
 * duties, quorum, step-up and the input schema are rules about people and the input they send,
 * and the system is no person and sends none. The caller checks that the timer belongs to the
 * current visit of the state; a transition without a timer never fires by itself.
 */
export function decideTimer(
  definition: WorkflowDefinition,
  state: string,
  transitionName: string,
): Moved | PlaceDenial {
  const place = judgePlace(definition, state, transitionName);
  if (!place.allowed) return place;
  if (place.transition.timer === undefined) {
    return {
      allowed: false,
      reason: 'unknown_transition',
      detail: `${JSON.stringify(transitionName)} has no timer: only a person may take it`,
    };
  }
  return { allowed: true, outcome: 'moved', from: state, to: place.transition.to };
}
