/** Where an invalid value sits in the request, as a JSON Pointer (RFC 6901) into
 * `{ "body": ..., "query": ..., "headers": ..., "path": ... }`, e.g. `/body/items/0/name`. */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
  readonly code: string;
}

export type RequestLocation = 'body' | 'query' | 'headers' | 'path';

/** Escapes one reference token of a JSON Pointer (RFC 6901 §3). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerTo(location: RequestLocation, ...tokens: (string | number)[]): string {
  return ['', location, ...tokens].map(escapePointerToken).join('/');
}

/** "The body has 2 problems; see errors.": the `detail` of a validation problem, naming the one
 * place all its errors point into, or the request when they point into several. */
export function describeFieldErrors(errors: readonly FieldError[], truncated = false): string {
  const locations = new Set(errors.map((error) => error.pointer.split('/')[1]));
  const where = locations.size === 1 ? `The ${[...locations][0]}` : 'The request';
  const count =
    errors.length === 1 && !truncated ? '1 problem' : `${truncated ? 'at least ' : ''}${errors.length} problems`;
  return `${where} has ${count}; see errors.`;
}
