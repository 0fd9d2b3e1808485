import { isObject, quote, type Report } from './document-reader';
import { childPointer } from './json-pointer';
import { unsupportedPatternOf } from './linear-regexp';

/** Keywords whose value is an object of subschemas (a schema's own names are never keywords). */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value is one subschema (`items` may be a list in older drafts). */
const SCHEMA_VALUES = [
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
];

/**
 * Reports every regular expression of a schema the linear engine cannot run (`linear-regexp.ts`):
 * `pattern` values and `patternProperties` names, each at its own pointer, e.g.
 * `/transitions/0/input/properties/code/pattern`. Follows the keywords that hold subschemas, so
 * data (`const`, `enum`, `examples`, `default`) and property names are never mistaken for
 * keywords. Returns whether all patterns can run.
 */
export function checkSchemaPatterns(schema: unknown, pointer: string, report: Report): boolean {
  let valid = true;
  const reject = (at: string, pattern: string, reason: string) => {
    valid = false;
    report(
      at,
      'invalid_schema',
      `pattern ${quote(pattern)} is not supported: ${reason}. Patterns run in linear time (RE2 syntax), ` +
        'without backreferences or lookaround',
    );
  };
  const stack: { schema: unknown; pointer: string }[] = [{ schema, pointer }];
  while (stack.length > 0) {
    const { schema: current, pointer: at } = stack.pop()!;
    if (!isObject(current)) continue;
    if (typeof current.pattern === 'string') {
      const reason = unsupportedPatternOf(current.pattern);
      if (reason !== undefined) reject(childPointer(at, 'pattern'), current.pattern, reason);
    }
    if (isObject(current.patternProperties)) {
      for (const name of Object.keys(current.patternProperties)) {
        const reason = unsupportedPatternOf(name);
        if (reason !== undefined) reject(childPointer(at, 'patternProperties', name), name, reason);
      }
    }
    for (const keyword of SCHEMA_MAPS) {
      const map = current[keyword];
      if (!isObject(map)) continue;
      for (const name of Object.keys(map)) stack.push({ schema: map[name], pointer: childPointer(at, keyword, name) });
    }
    for (const keyword of [...SCHEMA_LISTS, ...SCHEMA_VALUES]) {
      const value = current[keyword];
      if (Array.isArray(value)) {
        value.forEach((item: unknown, index) =>
          stack.push({ schema: item, pointer: childPointer(at, keyword, index) }),
        );
      } else {
        stack.push({ schema: value, pointer: childPointer(at, keyword) });
      }
    }
  }
  return valid;
}
