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
