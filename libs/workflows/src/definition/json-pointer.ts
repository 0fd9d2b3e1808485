/** Builds an RFC 6901 JSON Pointer, escaping `~` and `/` inside each reference token. */
export function jsonPointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((token) => '/' + String(token).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Appends tokens to an existing pointer. */
export function childPointer(parent: string, ...tokens: readonly (string | number)[]): string {
  return parent + jsonPointer(...tokens);
}

/**
 * The reference tokens of an RFC 6901 pointer to a field (`/owner/id` → `["owner", "id"]`), or
 * undefined when it is not one: the whole document (`""`), no leading `/`, or a `~` not followed
 * by `0` or `1`.
 */
export function pointerTokens(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/') || /~(?![01])/.test(pointer)) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}
