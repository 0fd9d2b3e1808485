import { CONDITION_LIMITS } from './conditions/compile-condition';
import { describeType, isObject, quote, readList, readText, type Report } from './document-reader';
import { childPointer, pointerTokens } from './json-pointer';
import { DEFINITION_LIMITS } from './workflow-definition';

/** A JSON Pointer into `data` as the document wrote it, and where it wrote it. */
export interface FieldReference {
  readonly target: string;
  readonly pointer: string;
}

/** One assignment of a transition's `set`: the field, where the document wrote it, its expression. */
export interface SetDraft extends FieldReference {
  readonly expression: string;
}

const EXPRESSION_BOUNDS = { min: 1, max: CONDITION_LIMITS.maxLength } as const;
const LIST_BOUNDS = { min: 0, max: DEFINITION_LIMITS.maxFieldsPerList } as const;

/** `set`: an object from JSON Pointers into `data` to CEL expressions. */
export function readSet(value: unknown, pointer: string, report: Report): SetDraft[] {
  if (!isObject(value) || Array.isArray(value)) {
    report(pointer, 'invalid_type', `must be an object of JSON Pointers to expressions, not ${describeType(value)}`);
    return [];
  }
  const entries = Object.entries(value);
  if (entries.length === 0) report(pointer, 'too_few_items', 'must assign at least one field');
  if (entries.length > LIST_BOUNDS.max) {
    report(pointer, 'too_many_items', `must assign at most ${LIST_BOUNDS.max} fields, not ${entries.length}`);
  }
  const sets: SetDraft[] = [];
  for (const [target, source] of entries) {
    const at = childPointer(pointer, target);
    const expression = readText(source, at, EXPRESSION_BOUNDS, report);
    if (isFieldPointer(target, at, report) && expression !== undefined) sets.push({ target, pointer: at, expression });
  }
  return sets;
}

/** `readOnly`, `writesReadOnly`: distinct JSON Pointers into `data`. */
export function readFieldPointers(value: unknown, pointer: string, report: Report): FieldReference[] {
  const items = readList(value, pointer, LIST_BOUNDS, report) ?? [];
  const seen = new Set<string>();
  const references: FieldReference[] = [];
  items.forEach((item, index) => {
    const at = childPointer(pointer, index);
    if (typeof item !== 'string') {
      report(at, 'invalid_type', `must be a JSON Pointer string, not ${describeType(item)}`);
    } else if (seen.has(item)) {
      report(at, 'duplicate_reference', `${quote(item)} is already listed`);
    } else if (isFieldPointer(item, at, report)) {
      seen.add(item);
      references.push({ target: item, pointer: at });
    }
  });
  return references;
}

function isFieldPointer(target: string, at: string, report: Report): boolean {
  if (pointerTokens(target) !== undefined) return true;
  report(at, 'invalid_pointer', `${quote(target)} is not a JSON Pointer to a field of data (like "/amount")`);
  return false;
}
