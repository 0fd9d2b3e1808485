import { quote, type Report } from './document-reader';
import { childPointer } from './json-pointer';
import type { DefinitionDraft } from './read-definition';

/**
 * Reports repeated state and transition names, and names that refer to no declared state or
 * transition. A malformed but present name still counts as declared: its own violation is
 * enough, without every reference to it failing as well.
 */
export function checkReferences(draft: DefinitionDraft, report: Report): void {
  const { states, transitions = [] } = draft;
  const stateNames = states && declaredNames(states, 'duplicate_state', 'state', report);
  const transitionNames = declaredNames(transitions, 'duplicate_transition', 'transition', report);
  for (const transition of transitions) {
    for (const reference of [...transition.from, ...(transition.to ? [transition.to] : [])]) {
      if (stateNames && !stateNames.has(reference.name)) {
        report(reference.pointer, 'unknown_state', `${quote(reference.name)} is not a state of this workflow`);
      }
    }
    for (const reference of transition.notPreviousActorOf) {
      if (!transitionNames.has(reference.name)) {
        report(
          reference.pointer,
          'unknown_transition',
          `${quote(reference.name)} is not a transition of this workflow`,
        );
      }
    }
  }
}

function declaredNames(
  entries: readonly { readonly pointer: string; readonly name?: string }[],
  code: 'duplicate_state' | 'duplicate_transition',
  noun: string,
  report: Report,
): Set<string> {
  const names = new Set<string>();
  for (const { pointer, name } of entries) {
    if (name === undefined) continue;
    if (names.has(name)) report(childPointer(pointer, 'name'), code, `another ${noun} is already named ${quote(name)}`);
    names.add(name);
  }
  return names;
}
