import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { childPointer } from '../definition/json-pointer';
import type { PayloadError } from './decision';

/**
 * Every problem of a payload against its compiled schema, each at a JSON Pointer under `root`.
 * Without a schema only an empty payload passes: what is stored with an instance forever should
 * be something a definition author declared, and `{}` as a schema accepts anything on purpose.
 */
export function payloadErrors(validate: ValidateFunction | undefined, payload: unknown, root: string): PayloadError[] {
  if (validate === undefined) {
    return isEmpty(payload)
      ? []
      : [{ pointer: root, code: 'unexpected_payload', detail: 'no schema is declared, so nothing may be sent here' }];
  }
  if (validate(payload)) return [];
  return (validate.errors ?? []).map((error) => ({
    pointer: childPointer(root + error.instancePath, ...propertyOf(error)),
    detail: error.message ?? 'is not valid',
    code: error.keyword,
  }));
}

function isEmpty(payload: unknown): boolean {
  if (payload === undefined || payload === null) return true;
  return typeof payload === 'object' && !Array.isArray(payload) && Object.keys(payload).length === 0;
}

/** Points a missing or surplus property error at that property rather than at its parent object. */
function propertyOf(error: ErrorObject): string[] {
  const params = error.params as Record<string, unknown>;
  for (const key of ['missingProperty', 'additionalProperty', 'unevaluatedProperty']) {
    const property = params[key];
    if (typeof property === 'string') return [property];
  }
  return [];
}
