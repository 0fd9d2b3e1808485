import { indexOf } from './definition-index';
import type { AvailabilityRequest, DecisionBeforeInput } from './decision';
import { judgeTransition } from './judge-transition';

export interface AvailableTransition {
  readonly name: string;
  readonly title?: string;
  readonly to: string;
  /** What taking it now would do, input aside: `moved`, `voted`, or why it is denied. */
  readonly decision: DecisionBeforeInput;
}

/**
 * The transitions leaving the instance's current state, each with what this principal may do
 * about it now, so a client can show the right buttons and explain the missing ones.
 */
export function availableTransitions(request: AvailabilityRequest): AvailableTransition[] {
  const leaving = indexOf(request.definition).leaving.get(request.instance.state) ?? [];
  return leaving.map((transition) => ({
    name: transition.name,
    ...(transition.title === undefined ? {} : { title: transition.title }),
    to: transition.to,
    decision: judgeTransition(request, transition.name),
  }));
}
