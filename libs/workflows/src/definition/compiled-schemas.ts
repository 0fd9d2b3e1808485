import type { ValidateFunction } from 'ajv/dist/2020';
import { recompileCondition, type CompiledCondition } from './conditions/compile-condition';
import { inPointerOrder, type CompiledSet } from './check-data-fields';
import { pointerTokens } from './json-pointer';
import { SchemaCompiler } from './schema-compiler';
import type { WorkflowDefinition } from './workflow-definition';

export interface CompiledSchemas {
  readonly data?: ValidateFunction;
  /** By transition name; a transition without an input schema has no entry. */
  readonly inputs: ReadonlyMap<string, ValidateFunction>;
  /** By transition name, the compiled `when`; a transition without one has no entry. */
  readonly conditions: ReadonlyMap<string, CompiledCondition>;
  /** By transition name, its compiled `set`; a transition without one has no entry. */
  readonly sets: ReadonlyMap<string, readonly CompiledSet[]>;
}

// Keyed by the definition object: compiling costs milliseconds, deciding should not, and a
// definition dropped by its caller takes its compiled functions with it.
const COMPILED = new WeakMap<WorkflowDefinition, CompiledSchemas>();

/** Called by the validator, which has just compiled these very schemas while checking them. */
export function rememberCompiledSchemas(definition: WorkflowDefinition, compiled: CompiledSchemas): void {
  COMPILED.set(definition, compiled);
}

/**
 * The compiled schemas of a definition, compiled on first use when the definition did not come
 * from `validateDefinition` (e.g. read back from the database). Throws when a schema does not
 * compile: such a definition was never validated, and deciding on it would be a bug.
 */
export function compiledSchemasOf(definition: WorkflowDefinition): CompiledSchemas {
  const cached = COMPILED.get(definition);
  if (cached) return cached;
  const compiler = new SchemaCompiler();
  const compiled: CompiledSchemas = {
    data: definition.dataSchema === undefined ? undefined : compiler.compile(definition.dataSchema),
    inputs: new Map(
      definition.transitions.flatMap((transition) =>
        transition.input === undefined ? [] : [[transition.name, compiler.compile(transition.input)] as const],
      ),
    ),
    conditions: new Map(
      definition.transitions.flatMap((transition) =>
        transition.when === undefined ? [] : [[transition.name, recompileCondition(transition.when)] as const],
      ),
    ),
    sets: new Map(
      definition.transitions.flatMap((transition) =>
        transition.set === undefined ? [] : [[transition.name, recompileSets(transition.set)] as const],
      ),
    ),
  };
  COMPILED.set(definition, compiled);
  return compiled;
}

function recompileSets(set: Readonly<Record<string, string>>): CompiledSet[] {
  return inPointerOrder(
    Object.entries(set).map(([target, source]) => ({
      target,
      tokens: pointerTokens(target)!,
      expression: recompileCondition(source),
    })),
  );
}
