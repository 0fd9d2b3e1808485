/** Builds an RFC 6901 JSON Pointer, escaping `~` and `/` inside each reference token. */
export function jsonPointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((token) => '/' + String(token).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Appends tokens to an existing pointer. */
export function childPointer(parent: string, ...tokens: readonly (string | number)[]): string {
  return parent + jsonPointer(...tokens);
}
