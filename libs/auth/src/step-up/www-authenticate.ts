// RFC 9110 §5.6.2: an auth-param name is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Controls other than HTAB cannot appear in a quoted-string even escaped, a CR or LF would end the
// header, and Node refuses header text beyond Latin-1. Values can echo library error messages, so
// such characters become "?" rather than failing the response that reports the error.
const NOT_HEADER_SAFE = /[^\t\x20-\x7e]/gu;

function quoted(value: string): string {
  return `"${value.replace(NOT_HEADER_SAFE, '?').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A `Bearer` challenge (RFC 6750 §3, RFC 9110 §11.6.1): strings as quoted-strings, numbers as bare
 * tokens, undefined parameters left out, in the order given. With no parameters it is just `Bearer`.
 */
export function bearerChallenge(params: Readonly<Record<string, string | number | undefined>>): string {
  const rendered: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (!TOKEN.test(name)) throw new TypeError(`"${name}" is not a valid auth-param name`);
    if (value === undefined) continue;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new RangeError(`${name}=${value} is not a non-negative integer`);
      rendered.push(`${name}=${value}`);
    } else {
      rendered.push(`${name}=${quoted(value)}`);
    }
  }
  return rendered.length === 0 ? 'Bearer' : `Bearer ${rendered.join(', ')}`;
}
