import { compiledSchemasOf } from '../definition/compiled-schemas';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { PayloadError } from './decision';
import { payloadErrors } from './payload-errors';

export type DataValidation =
  { readonly valid: true } | { readonly valid: false; readonly errors: readonly PayloadError[] };

/** Checks the `data` an instance starts with against the definition's `dataSchema`. */
export function validateData(definition: WorkflowDefinition, data: unknown): DataValidation {
  const errors = payloadErrors(compiledSchemasOf(definition).data, data, '/data');
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
}
