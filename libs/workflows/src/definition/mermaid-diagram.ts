import type { TransitionDefinition, WorkflowDefinition } from './workflow-definition';

const INDENT = '    ';

/**
 * The definition as a Mermaid `stateDiagram-v2`, to paste into any Mermaid viewer. Deterministic:
 * states and transitions come out in the definition's order. State and transition names are
 * snake_case and need no escaping; titles are free text and are made safe for a quoted label.
 */
export function toMermaid(definition: WorkflowDefinition): string {
  const lines = ['stateDiagram-v2'];
  for (const state of definition.states) {
    const label = state.title === undefined ? '' : labelText(state.title);
    // A title of nothing but unsafe characters leaves the state under its name.
    if (label !== '') lines.push(`${INDENT}state "${label}" as ${state.name}`);
  }
  for (const state of definition.states) {
    if (state.initial) lines.push(`${INDENT}[*] --> ${state.name}`);
  }
  for (const transition of definition.transitions) {
    for (const from of transition.from)
      lines.push(`${INDENT}${from} --> ${transition.to} : ${transitionLabel(transition)}`);
  }
  for (const state of definition.states) {
    if (state.terminal) lines.push(`${INDENT}${state.name} --> [*]`);
  }
  for (const state of definition.states) {
    if (state.assignTo === undefined) continue;
    const whom =
      'initiator' in state.assignTo
        ? 'the initiator'
        : 'role' in state.assignTo
          ? `role ${state.assignTo.role}`
          : `the user in data ${state.assignTo.data}`;
    lines.push(`${INDENT}note right of ${state.name} : assigned to ${conditionText(whom)}`);
  }
  return lines.join('\n') + '\n';
}

function transitionLabel(transition: TransitionDefinition): string {
  const notes = [
    ...(transition.auto === true ? ['automatic'] : []),
    ...(transition.actor === undefined ? [] : [`${transition.actor} only`]),
    ...(transition.quorum > 1 ? [`${transition.quorum} approvals`] : []),
    ...(transition.stepUp ? ['step-up'] : []),
  ];
  const label = notes.length === 0 ? transition.name : `${transition.name} (${notes.join(', ')})`;
  return transition.when === undefined ? label : `${label} [${conditionText(transition.when)}]`;
}

/**
 * A condition keeps its meaning on the edge: the characters Mermaid would read as markup become its
 * entity codes (`#gt;`), rather than being dropped as in titles, where nothing depends on them.
 */
function conditionText(condition: string): string {
  const entities: Readonly<Record<string, string>> = {
    '#': '#35;',
    '<': '#lt;',
    '>': '#gt;',
    '"': '#quot;',
    ';': '#59;',
  };
  return condition
    .replace(/[#<>";]/g, (character) => entities[character] ?? character)
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Mermaid has no escape for a double quote inside a quoted label, and a line break ends the
 * statement; `#` starts an entity code and `<`/`>` may be read as HTML by some renderers.
 */
function labelText(title: string): string {
  return title
    .replace(/"/g, "'")
    .replace(/[<>#]/g, ' ')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
