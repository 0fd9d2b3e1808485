import { readFlag, readList, readObject, readPattern, readText, type Report } from './document-reader';
import { childPointer } from './json-pointer';
import { readAssignTo } from './read-assign-to';
import { DEFINITION_LIMITS, NAME_PATTERN, TITLE_BOUNDS, type AssignTo } from './workflow-definition';

/** One entry of `states` as read: a field is undefined when the document got it wrong. */
export interface StateDraft {
  readonly pointer: string;
  readonly name?: string;
  readonly title?: string;
  readonly initial: boolean;
  readonly terminal: boolean;
  readonly assignTo?: AssignTo;
}

export const INVALID_NAME = {
  code: 'invalid_name',
  detail: 'must be snake_case: a lowercase letter, then up to 62 lowercase letters, digits or underscores',
} as const;

const STATE_PROPERTIES = { required: ['name'], optional: ['title', 'initial', 'terminal', 'assignTo'] } as const;

/** Undefined when `states` is not a list at all: then nothing can be said about references to states. */
export function readStates(value: unknown, pointer: string, report: Report): StateDraft[] | undefined {
  const entries = readList(value, pointer, { min: 0, max: DEFINITION_LIMITS.maxStates }, report);
  if (entries === undefined) return undefined;
  const states: StateDraft[] = [];
  entries.forEach((entry, index) => {
    const entryPointer = childPointer(pointer, index);
    const fields = readObject(entry, entryPointer, STATE_PROPERTIES, report);
    if (fields === undefined) return;
    const at = (key: string): string => childPointer(entryPointer, key);
    const { name, title } = fields;
    states.push({
      pointer: entryPointer,
      name: name === undefined ? undefined : readPattern(name, at('name'), NAME_PATTERN, INVALID_NAME, report),
      title: title === undefined ? undefined : readText(title, at('title'), TITLE_BOUNDS, report),
      initial: readFlag(fields.initial, at('initial'), report),
      terminal: readFlag(fields.terminal, at('terminal'), report),
      assignTo: fields.assignTo === undefined ? undefined : readAssignTo(fields.assignTo, at('assignTo'), report),
    });
  });
  return states;
}
