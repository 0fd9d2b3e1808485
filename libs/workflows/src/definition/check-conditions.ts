import { compileCondition, type CompiledCondition } from './conditions/compile-condition';
import type { Report } from './document-reader';
import { childPointer } from './json-pointer';
import type { DefinitionDraft } from './read-definition';

/**
 * Compiles every transition's `when` against the data schema and the transition's input schema,
 * reporting each problem at the `when`. Returns the compiled conditions by transition name, for
 * the engine; a transition whose schema did not compile is skipped (its schema is reported).
 */
export function checkConditions(draft: DefinitionDraft, report: Report): Map<string, CompiledCondition> {
  const compiled = new Map<string, CompiledCondition>();
  const dataSchemaBroken = draft.dataSchema === undefined && draft.dataSchemaGiven === true;
  for (const transition of draft.transitions ?? []) {
    if (transition.when === undefined || dataSchemaBroken) continue;
    if (transition.input === undefined && transition.inputGiven) continue;
    const result = compileCondition(transition.when, {
      data: draft.dataSchema?.schema,
      input: transition.input?.schema,
    });
    const pointer = childPointer(transition.pointer, 'when');
    if (!result.ok) for (const problem of result.problems) report(pointer, problem.code, problem.detail);
    else if (transition.name !== undefined) compiled.set(transition.name, result.condition);
  }
  return compiled;
}
