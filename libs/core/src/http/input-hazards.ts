import { AppError } from '../errors/app-error';
import type { FieldError, RequestLocation } from '../errors/field-error';
import { describeFieldErrors, pointerTo } from '../errors/field-error';

/** Enough to act on; a body of 100,000 bad strings must not become a 100,000-entry answer. */
export const MAX_REPORTED_HAZARDS = 20;

/** A member name that reaches an object's prototype when code copies members by assignment
 * (`target[key] = value`, `Object.assign`, deep merges). The JSON body parser refuses it already
 * (`secure-json-parse`); query strings and path parameters meet it here first. */
const PROTOTYPE_KEY = '__proto__';

/** A request's parsed input, as Fastify holds it once routed (path parameters, query) and parsed (body). */
export interface RequestInput {
  readonly params?: unknown;
  readonly query?: unknown;
  readonly body?: unknown;
}

/**
 * The one answer to hazardous input: 400 `validation_failed` with a pointer per hazard, path
 * first, then query, then body. The `preValidation` hook gives it for every request; the JSON body
 * parser gives the same one when the body itself carries a prototype key, so that such a body
 * never leaves the parser.
 */
export function inputHazardRefusal(input: RequestInput): AppError | undefined {
  const found: FieldError[] = [];
  findInputHazards('path', input.params, found);
  findInputHazards('query', input.query, found);
  findInputHazards('body', input.body, found);
  if (found.length === 0) return undefined;
  return new AppError('validation_failed', describeFieldErrors(found, found.length >= MAX_REPORTED_HAZARDS), {
    errors: found,
  });
}

interface PathNode {
  readonly parent: PathNode | undefined;
  readonly token: string | number;
}

/**
 * What no request may carry anywhere in its parsed input (body, query, path), whatever the
 * endpoint: text PostgreSQL cannot store and member names that reach a prototype.
 *
 * - U+0000 (NUL): `text` and `jsonb` refuse it, so it failed deep inside a write with a 500.
 * - A lone UTF-16 surrogate (`\ud800` in JSON): not a Unicode character, so not UTF-8 either;
 *   `jsonb` refuses it and a `text` column would silently get U+FFFD instead.
 * - `__proto__` as a member name, and `prototype` inside a member named `constructor`: the two
 *   prototype-pollution paths. Refused like any field the endpoint does not accept.
 * - A JSON number too large for a double (`1e999`): JSON.parse makes it Infinity, which JSON
 *   cannot say again (it was a 500 in the idempotency fingerprint, found by the contract fuzzer).
 *
 * Member names are checked like values. The walk keeps its own stack (the parser bounds depth,
 * but this must not be what overflows if it ever does not), and stops collecting after
 * `MAX_REPORTED_HAZARDS` entries. Pointers are built only for what is reported.
 */
export function findInputHazards(location: RequestLocation, input: unknown, found: FieldError[] = []): FieldError[] {
  const stack: { value: unknown; path: PathNode | undefined; key: string | number | undefined }[] = [
    { value: input, path: undefined, key: undefined },
  ];
  while (stack.length > 0 && found.length < MAX_REPORTED_HAZARDS) {
    const { value, path, key } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) found.push({ pointer: pointerOf(location, path), detail: problem.detail, code: problem.code });
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      found.push({ pointer: pointerOf(location, path), detail: 'numbers must fit a double (±1.8e308)', code: 'number_out_of_range' }); // prettier-ignore
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], path: { parent: path, token: index }, key: index });
      }
      continue;
    }
    const names = Object.keys(value);
    // Reversed onto the stack, so entries come out in document order.
    for (let index = names.length - 1; index >= 0; index--) {
      const name = names[index];
      const child: PathNode = { parent: path, token: name };
      const problem = nameProblem(name, key);
      if (problem) {
        found.push({ pointer: pointerOf(location, child), detail: problem.detail, code: problem.code });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[name], path: child, key: name });
    }
  }
  return found.slice(0, MAX_REPORTED_HAZARDS);
}

interface Problem {
  readonly code: string;
  readonly detail: string;
}

function textProblem(text: string, what = 'text'): Problem | undefined {
  if (text.includes('\u0000')) return { code: 'nul_character', detail: `${what} must not contain U+0000 (NUL)` };
  if (!text.isWellFormed()) {
    return { code: 'lone_surrogate', detail: `${what} must be well-formed Unicode (it has a lone UTF-16 surrogate)` };
  }
  return undefined;
}

function nameProblem(name: string, parentName: string | number | undefined): Problem | undefined {
  if (name === PROTOTYPE_KEY || (name === 'prototype' && parentName === 'constructor')) {
    return { code: 'unknown_field', detail: `property ${name} is not accepted anywhere in a request` };
  }
  return textProblem(name, 'a member name');
}

function pointerOf(location: RequestLocation, path: PathNode | undefined): string {
  const tokens: (string | number)[] = [];
  for (let node = path; node !== undefined; node = node.parent) tokens.push(node.token);
  return pointerTo(location, ...tokens.reverse());
}
