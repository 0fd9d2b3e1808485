import { satisfies } from '@flowgate/roles';
import { quote, type Report } from './document-reader';
import type { DefinitionDraft } from './read-definition';

/**
 * A state queued to a role (`assignTo: {"role": …}`) must leave its queue something to do: at
 * least one transition out of the state that someone holding the role could take once assigned —
 * a person's (not automatic), not only the initiator's (that needs no queue), whose role the
 * queue's role satisfies (hierarchy-aware). Otherwise the work would wait in a queue whose members
 * can only look at it. Terminal states are reported with the other assignments.
 */
export function checkRoleQueues(draft: DefinitionDraft, report: Report): void {
  for (const state of draft.states ?? []) {
    const assignTo = state.assignTo;
    if (assignTo === undefined || !('role' in assignTo) || state.terminal || state.name === undefined) continue;
    const actionable = (draft.transitions ?? []).some(
      (transition) =>
        transition.from.some((from) => from.name === state.name) &&
        !transition.auto &&
        transition.actor !== 'initiator' &&
        (transition.role === undefined || satisfies([assignTo.role], transition.role)),
    );
    if (!actionable) {
      report(
        `${state.pointer}/assignTo/role`,
        'invalid_assignment',
        `holders of ${quote(assignTo.role)} could take no transition out of ${quote(state.name)}: the queue could never be worked`,
      );
    }
  }
}
