import type { FieldError, RequestLocation } from '../../errors/field-error';
import { pointerTo } from '../../errors/field-error';

/** The parts of class-validator's `ValidationError` we use (kept structural to stay pure). */
export interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** Stable codes for the constraints whose names would read poorly as codes. */
const CONSTRAINT_CODES: Record<string, string> = {
  whitelistValidation: 'unknown_field',
  isDefined: 'required',
  unknownValue: 'invalid_type',
  nestedValidation: 'invalid_type',
};

export function constraintCode(constraint: string): string {
  return CONSTRAINT_CODES[constraint] ?? constraint.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Flattens the error tree into one entry per failed constraint, each with a JSON Pointer. */
export function flattenValidationErrors(
  errors: readonly ValidationErrorLike[],
  location: RequestLocation,
  parents: readonly string[] = [],
): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    // The root error of a non-object body has an empty property name.
    const path = error.property === '' || error.property === undefined ? [...parents] : [...parents, error.property];
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      flat.push({ pointer: pointerTo(location, ...path), detail: message, code: constraintCode(constraint) });
    }
    flat.push(...flattenValidationErrors(error.children ?? [], location, path));
  }
  return flat;
}
