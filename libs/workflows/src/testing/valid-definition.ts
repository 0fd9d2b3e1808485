import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';

/** The validated definition of a document a spec knows to be valid; throws with the violations otherwise. */
export function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}
