import { quote, type Report } from './document-reader';
import { childPointer, jsonPointer } from './json-pointer';
import type { DefinitionDraft } from './read-definition';
import type { StateDraft } from './read-states';

/**
 * Checks the state graph: exactly one initial state, at least one terminal state, terminal states
 * final, every state reachable from the initial one, and a terminal state reachable from every
 * other. Transitions leaving a terminal state carry no one anywhere (the engine refuses them), so
 * they are left out of both searches.
 */
export function checkGraph(draft: DefinitionDraft, report: Report): void {
  // Without a list of states there is no graph; the shape violation already says why.
  if (draft.states === undefined) return;
  const states = firstOfEachName(draft.states);
  const terminals = new Set([...states.values()].filter((state) => state.terminal).map((state) => state.name));
  const forward = new Map<string, Set<string>>();
  const backward = new Map<string, Set<string>>();
  for (const transition of draft.transitions ?? []) {
    const to = transition.to?.name;
    for (const from of transition.from) {
      if (terminals.has(from.name)) {
        report(from.pointer, 'transition_from_terminal', `${quote(from.name)} is terminal: nothing leaves it`);
      } else if (to !== undefined && states.has(from.name) && states.has(to)) {
        addEdge(forward, from.name, to);
        addEdge(backward, to, from.name);
      }
    }
  }

  const initials = draft.states.filter((state) => state.initial);
  if (initials.length === 0) report(jsonPointer('states'), 'no_initial_state', 'exactly one state must be initial');
  if (initials.length > 1) {
    for (const state of initials) {
      report(
        childPointer(state.pointer, 'initial'),
        'multiple_initial_states',
        `${initials.length} states are initial; exactly one must be`,
      );
    }
  }
  const initialNames = initials.flatMap((state) => (state.name === undefined ? [] : [state.name]));
  // Without every initial state's name there is nothing sound to search from.
  if (initials.length > 0 && initialNames.length === initials.length) {
    const reached = search(forward, initialNames);
    for (const [name, state] of states) {
      if (!reached.has(name)) {
        report(state.pointer, 'unreachable_state', `${quote(name)} cannot be reached from the initial state`);
      }
    }
  }

  if (terminals.size === 0) {
    // One violation, not one per state: every state would otherwise repeat the same news.
    report(jsonPointer('states'), 'no_terminal_state', 'at least one state must be terminal');
    return;
  }
  const finishing = search(backward, [...terminals]);
  for (const [name, state] of states) {
    if (!finishing.has(name)) {
      report(state.pointer, 'no_path_to_terminal', `no terminal state can be reached from ${quote(name)}`);
    }
  }
}

type NamedState = StateDraft & { readonly name: string };

/** Duplicates are reported by the reference check; the graph follows each name's first entry. */
function firstOfEachName(states: readonly StateDraft[]): Map<string, NamedState> {
  const byName = new Map<string, NamedState>();
  for (const state of states) {
    if (state.name !== undefined && !byName.has(state.name)) byName.set(state.name, { ...state, name: state.name });
  }
  return byName;
}

function addEdge(edges: Map<string, Set<string>>, from: string, to: string): void {
  const targets = edges.get(from) ?? new Set<string>();
  targets.add(to);
  edges.set(from, targets);
}

function search(edges: ReadonlyMap<string, ReadonlySet<string>>, starts: readonly string[]): Set<string> {
  const reached = new Set(starts);
  const pending = [...starts];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const target of edges.get(next) ?? []) {
      if (!reached.has(target)) {
        reached.add(target);
        pending.push(target);
      }
    }
  }
  return reached;
}
