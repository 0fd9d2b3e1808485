/** Characters allowed in a key: unreserved URI characters plus a few separators UUIDs, ULIDs and
 * base64 ids use. Nothing that needs escaping in a header, a log line or a SQL literal. */
const KEY = /^[A-Za-z0-9._~:+/=-]{1,255}$/;

export type ParsedIdempotencyKey = { readonly key: string } | { readonly problem: string };

/**
 * The `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): a structured-field
 * string (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`), or the same value as a bare token, which
 * many clients send. Either way the key is the value between the quotes.
 */
export function parseIdempotencyKey(header: string): ParsedIdempotencyKey {
  const value = header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
  if (KEY.test(value)) return { key: value };
  return {
    problem: 'must be 1 to 255 characters of A-Z a-z 0-9 . _ ~ : + / = -, optionally in double quotes (e.g. a UUID)',
  };
}
