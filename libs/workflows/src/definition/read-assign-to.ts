import { describeType, isObject, quote, type Report } from './document-reader';
import { pointerTokens } from './json-pointer';
import { readRole } from './read-role';
import type { AssignTo } from './workflow-definition';

const FORMS = ['initiator', 'data', 'role'];

/**
 * `assignTo`: exactly one of `{"initiator": true}`, `{"data": "/pointer"}` and `{"role": "<role>"}`.
 * Whether the data schema declares the pointer as a string, and whether the role can act in the
 * state, are checked once the whole definition is read.
 */
export function readAssignTo(value: unknown, pointer: string, report: Report): AssignTo | undefined {
  const keys = isObject(value) && !Array.isArray(value) ? Object.keys(value) : undefined;
  if (keys === undefined || keys.length !== 1 || !FORMS.includes(keys[0])) {
    const got = keys === undefined ? describeType(value) : `{${keys.map(quote).join(', ')}}`;
    report(
      pointer,
      'invalid_assignment',
      `must be {"initiator": true}, {"data": "/pointer"} or {"role": "<role>"}, not ${got}`,
    );
    return undefined;
  }
  const given = (value as Readonly<Record<string, unknown>>)[keys[0]];
  if (keys[0] === 'initiator') {
    if (given === true) return { initiator: true };
    report(`${pointer}/initiator`, 'invalid_assignment', 'must be true');
    return undefined;
  }
  if (keys[0] === 'role') {
    const role = readRole(given, `${pointer}/role`, report);
    return role === undefined ? undefined : { role };
  }
  if (typeof given === 'string' && pointerTokens(given) !== undefined) return { data: given };
  report(`${pointer}/data`, 'invalid_pointer', `must be a JSON Pointer to a field of data, like "/managerId"`);
  return undefined;
}
