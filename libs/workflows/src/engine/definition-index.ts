import type { StateDefinition, TransitionDefinition, WorkflowDefinition } from '../definition/workflow-definition';

export interface DefinitionIndex {
  readonly states: ReadonlyMap<string, StateDefinition>;
  readonly transitions: ReadonlyMap<string, TransitionDefinition>;
  /** By state name, the transitions whose `from` includes it, in definition order. */
  readonly leaving: ReadonlyMap<string, readonly TransitionDefinition[]>;
}

// Maps rather than lookups on the definition's arrays or objects: a transition may well be named
// `constructor`, and deciding should not scan 200 transitions per request.
const INDEXES = new WeakMap<WorkflowDefinition, DefinitionIndex>();

export function indexOf(definition: WorkflowDefinition): DefinitionIndex {
  const cached = INDEXES.get(definition);
  if (cached) return cached;
  const leaving = new Map<string, TransitionDefinition[]>();
  for (const transition of definition.transitions) {
    for (const from of transition.from) leaving.set(from, [...(leaving.get(from) ?? []), transition]);
  }
  const index: DefinitionIndex = {
    states: new Map(definition.states.map((state) => [state.name, state])),
    transitions: new Map(definition.transitions.map((transition) => [transition.name, transition])),
    leaving,
  };
  INDEXES.set(definition, index);
  return index;
}

/** The ids recorded under `name`, reading only own properties of a record built from JSON. */
export function idsFor(record: Readonly<Record<string, readonly string[]>>, name: string): readonly string[] {
  const ids: unknown = Object.hasOwn(record, name) ? record[name] : undefined;
  return Array.isArray(ids) ? (ids as readonly string[]) : [];
}
