export const REDACTED = '[REDACTED]';

/**
 * A deep copy of `value` with the values of the named fields (at any depth, case-insensitive)
 * replaced, so secrets never reach the append-only log, where they could never be removed.
 */
export function redact<T>(value: T, fields: readonly string[]): T {
  const names = new Set(fields.map((field) => field.toLowerCase()));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>).map(([key, child]) => [
        key,
        names.has(key.toLowerCase()) ? REDACTED : walk(child),
      ]),
    );
  };
  return walk(value) as T;
}
