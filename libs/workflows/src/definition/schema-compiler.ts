import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describeType, isObject, type Report } from './document-reader';
import { childPointer } from './json-pointer';
import { linearRegExp } from './linear-regexp';
import { checkSchemaPatterns } from './schema-patterns';
import { DEFINITION_LIMITS, type JsonSchema, type JsonValue } from './workflow-definition';

/**
 * Patterns run on RE2's linear-time engine (ADR 12). `allowMatchingProperties` turns off a
 * strict-mode check that tests each `properties` name against each `patternProperties` pattern
 * with ECMAScript's backtracking `RegExp` while compiling: both come from the author, so a
 * crafted pair would hold the event loop at publish.
 */
function createAjv(options: { validateSchema: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allowUnionTypes: true,
    allowMatchingProperties: true,
    allErrors: true,
    logger: false,
    code: { regExp: linearRegExp },
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

// Checking a schema against the 2020-12 meta-schema first compiles the meta-schema, some 40 ms per
// ajv instance. One shared instance pays that once; it only validates schemas, never adds them,
// so nothing of one definition stays behind in it for the next.
const META_SCHEMA_CHECKER = createAjv({ validateSchema: true });

/**
 * One compiler per definition: schema `$id`s then live in the definition's own namespace, and the
 * compiled functions are garbage once the definition is. Strict mode turns a typo such as
 * `"minimun"` into an error instead of a schema that silently accepts everything. No `loadSchema`
 * and only synchronous compilation: a remote `$ref` is never fetched, it is reported unresolved.
 */
export class SchemaCompiler {
  private readonly ajv = createAjv({ validateSchema: false });
  // Compiling generates code and costs milliseconds; definitions often repeat one schema (a
  // rejection reason on several transitions), so equal schemas share one function.
  private readonly byContent = new Map<string, ValidateFunction>();

  /** Errors against the 2020-12 meta-schema; throws when `$schema` names another dialect. */
  metaSchemaErrors(schema: JsonSchema): readonly ErrorObject[] {
    return META_SCHEMA_CHECKER.validateSchema(schema) ? [] : [...(META_SCHEMA_CHECKER.errors ?? [])];
  }

  /** Throws on any problem: meta-schema errors, strict-mode errors, unresolved references. */
  compile(schema: JsonSchema): ValidateFunction {
    const content = JSON.stringify(schema);
    const known = this.byContent.get(content);
    if (known) return known;
    const errors = this.metaSchemaErrors(schema);
    if (errors.length > 0) throw new Error(`schema is invalid: ${META_SCHEMA_CHECKER.errorsText([...errors])}`);
    const compiled = this.ajv.compile(schema);
    this.byContent.set(content, compiled);
    return compiled;
  }
}

export interface CompiledSchema {
  readonly schema: JsonSchema;
  readonly validate: ValidateFunction;
}

/**
 * Checks one schema from a document and compiles it, reporting every problem at a pointer inside
 * the schema. Returns undefined when the schema is unusable.
 */
export function compileSchema(
  compiler: SchemaCompiler,
  value: unknown,
  pointer: string,
  report: Report,
): CompiledSchema | undefined {
  if (!isObject(value)) {
    report(pointer, 'invalid_type', `must be a JSON Schema object, not ${describeType(value)}`);
    return undefined;
  }
  const copied = copyJson(value, pointer, 0, report);
  if (copied === undefined) return undefined;
  const schema = copied as JsonSchema;
  let metaErrors: readonly ErrorObject[];
  try {
    metaErrors = compiler.metaSchemaErrors(schema);
  } catch (error) {
    // A `$schema` naming a dialect other than 2020-12 makes ajv throw rather than report.
    report(pointer, 'invalid_schema', messageOf(error));
    return undefined;
  }
  if (metaErrors.length > 0) {
    // The meta-schema explains one bad keyword several ways (the enum, the type, the anyOf around
    // them); its first, most specific error per place is the one an author can act on.
    const reported = new Set<string>();
    for (const error of metaErrors) {
      const at = pointer + error.instancePath;
      if (!reported.has(at)) report(at, 'invalid_schema', describe(error));
      reported.add(at);
    }
    return undefined;
  }
  if (!checkSchemaPatterns(schema, pointer, report)) return undefined;
  try {
    return { schema, validate: compiler.compile(schema) };
  } catch (error) {
    const missingRef = isObject(error) && typeof error.missingRef === 'string' ? error.missingRef : undefined;
    if (missingRef !== undefined) {
      report(pointer, 'unresolved_schema_ref', `$ref ${JSON.stringify(missingRef)} does not resolve inside the schema`);
    } else {
      report(pointer, 'invalid_schema', messageOf(error));
    }
    return undefined;
  }
}

/**
 * Copies a schema as plain JSON so the definition owns it (a caller changing its object later
 * cannot change a compiled validator) and so the compiler only ever sees JSON, nested no deeper
 * than it can recurse.
 */
function copyJson(value: unknown, pointer: string, depth: number, report: Report): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    report(pointer, 'invalid_schema', 'numbers must be finite');
    return undefined;
  }
  if (typeof value !== 'object') {
    report(pointer, 'invalid_schema', `must be JSON, not ${describeType(value)}`);
    return undefined;
  }
  if (depth >= DEFINITION_LIMITS.maxSchemaDepth) {
    report(pointer, 'schema_too_deep', `a schema may nest at most ${DEFINITION_LIMITS.maxSchemaDepth} levels`);
    return undefined;
  }
  let valid = true;
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    // An index loop rather than forEach, which would skip the holes of a sparse array.
    for (let index = 0; index < value.length; index += 1) {
      const copy = copyJson(value[index] as unknown, childPointer(pointer, index), depth + 1, report);
      if (copy === undefined) valid = false;
      else items.push(copy);
    }
    return valid ? items : undefined;
  }
  const copy: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const itemCopy = copyJson(item, childPointer(pointer, key), depth + 1, report);
    if (itemCopy === undefined) valid = false;
    // defineProperty, so a "__proto__" keyword stays a plain property as JSON.parse makes it.
    else Object.defineProperty(copy, key, { value: itemCopy, enumerable: true, writable: true, configurable: true });
  }
  return valid ? copy : undefined;
}

function describe(error: ErrorObject): string {
  return `${error.message ?? 'is not valid'} (JSON Schema meta-schema, keyword ${error.keyword})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'the schema cannot be compiled';
}
