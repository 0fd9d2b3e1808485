import { quote, type Report } from './document-reader';
import type { DefinitionDraft } from './read-definition';
import type { TransitionDraft } from './read-transitions';

/**
 * Automatic transitions (`auto: true`) are the system's: no person's rule (role, actor rule,
 * step-up, separation of duties, quorum) and no input apply to them, and a timer would be a second
 * way of firing by itself. Then the graph: no cycle of automatic transitions (an instance could
 * move for ever in one unit of work), and a state with automatic transitions has a default (one
 * without `when`) or a transition a person can take, so an instance never waits for nobody.
 */
export function checkAutomatic(draft: DefinitionDraft, report: Report): void {
  const transitions = draft.transitions ?? [];
  const automatic = transitions.filter((transition) => transition.auto);
  for (const transition of automatic) checkRules(transition, report);
  checkCycles(automatic, report);
  for (const state of draft.states ?? []) {
    if (state.name === undefined) continue;
    const leaving = transitions.filter((transition) => transition.from.some((from) => from.name === state.name));
    const autos = leaving.filter((transition) => transition.auto);
    if (autos.length === 0 || autos.some((transition) => transition.when === undefined)) continue;
    if (leaving.some((transition) => !transition.auto && transition.timer === undefined)) continue;
    report(
      state.pointer,
      'no_way_out',
      `${quote(state.name)} has automatic transitions that may all be false, and no default (one without when) or transition a person can take`,
    );
  }
}

function checkRules(transition: TransitionDraft, report: Report): void {
  const people: [boolean, string][] = [
    [transition.role !== undefined, 'role'],
    [transition.actor !== undefined, 'actor'],
    [transition.stepUp, 'stepUp'],
    [transition.notInitiator || transition.notPreviousActorOf.length > 0, 'separationOfDuties'],
    [transition.quorum > 1, 'quorum'],
    [transition.inputGiven, 'input'],
    [transition.timer !== undefined, 'timer'],
  ];
  for (const [present, field] of people) {
    if (present) {
      report(
        `${transition.pointer}/${field}`,
        'invalid_automatic',
        `an automatic transition fires as the system: no ${field}`,
      );
    }
  }
}

/** Depth-first over the automatic edges; each edge that closes a cycle is reported at its `to`. */
function checkCycles(automatic: readonly TransitionDraft[], report: Report): void {
  const edges = new Map<string, TransitionDraft[]>();
  for (const transition of automatic) {
    for (const from of transition.from) edges.set(from.name, [...(edges.get(from.name) ?? []), transition]);
  }
  const done = new Set<string>();
  const onPath = new Set<string>();
  const reported = new Set<TransitionDraft>();
  const visit = (state: string): void => {
    onPath.add(state);
    for (const transition of edges.get(state) ?? []) {
      const to = transition.to?.name;
      if (to === undefined || done.has(to)) continue;
      if (onPath.has(to)) {
        if (!reported.has(transition) && transition.to !== undefined) {
          reported.add(transition);
          report(transition.to.pointer, 'automatic_cycle', `automatic transitions could loop through ${quote(to)}`);
        }
        continue;
      }
      visit(to);
    }
    onPath.delete(state);
    done.add(state);
  };
  for (const state of edges.keys()) if (!done.has(state)) visit(state);
}
