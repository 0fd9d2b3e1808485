import { satisfies, type Role } from '@flowgate/roles';
import type { WorkflowDefinition } from '../definition/workflow-definition';

/**
 * One transition a person's roles allow, in the shape the list query matches instances against.
 * The query applies the rest of what the engine checks, per instance, in SQL: the actor rule,
 * separation of duties and votes already cast. Step-up is left out, as `isOffered` leaves it out.
 */
export interface AuthorityRule {
  readonly key: string;
  readonly version: number;
  /** The transition's from-states: the places where it applies. */
  readonly states: readonly string[];
  readonly transition: string;
  readonly actor: 'anyone' | 'initiator' | 'assignee';
  readonly notInitiator: boolean;
  readonly notPrevious: readonly string[];
  readonly quorum: number;
}

export interface DefinitionVersion {
  readonly key: string;
  readonly version: number;
  readonly definition: WorkflowDefinition;
}

/** The rules for someone holding `roles`: every transition of every version their roles allow. */
export function authorityRules(definitions: readonly DefinitionVersion[], roles: readonly Role[]): AuthorityRule[] {
  const rules: AuthorityRule[] = [];
  for (const { key, version, definition } of definitions) {
    for (const transition of definition.transitions) {
      if (transition.role !== undefined && !satisfies(roles, transition.role)) continue;
      rules.push({
        key,
        version,
        states: transition.from,
        transition: transition.name,
        actor: transition.actor ?? 'anyone',
        notInitiator: transition.separationOfDuties.notInitiator,
        notPrevious: transition.separationOfDuties.notPreviousActorOf,
        quorum: transition.quorum,
      });
    }
  }
  return rules;
}

/** Every state of every version whose instances every authenticated user may see. */
export function openPlaces(
  definitions: readonly DefinitionVersion[],
): { key: string; version: number; state: string }[] {
  return definitions
    .filter(({ definition }) => definition.visibility === 'authenticated')
    .flatMap(({ key, version, definition }) => definition.states.map((state) => ({ key, version, state: state.name })));
}

/**
 * Every place (definition version, state) queued to a role `roles` hold (the hierarchy applied)
 * where a transition only an assignee may take would be theirs once they claim the work: the
 * places "waiting for me" walks for role queues. A transition for anyone holding its role is
 * offered without a claim, so its places are walked with the rules already.
 */
export function queuePlaces(
  definitions: readonly DefinitionVersion[],
  roles: readonly Role[],
): { key: string; version: number; state: string }[] {
  return definitions.flatMap(({ key, version, definition }) =>
    definition.states
      .filter(({ name, assignTo }) => {
        if (assignTo === undefined || !('role' in assignTo) || !satisfies(roles, assignTo.role)) return false;
        return definition.transitions.some(
          (transition) =>
            transition.actor === 'assignee' &&
            transition.from.includes(name) &&
            (transition.role === undefined || satisfies(roles, transition.role)),
        );
      })
      .map((state) => ({ key, version, state: state.name })),
  );
}
