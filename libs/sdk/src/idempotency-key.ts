/**
 * `Idempotency-Key` for a POST that takes one (required on starting a workflow and on its
 * transitions, claims and delegations): one key per *intended change*. Make it once, before the
 * first attempt, and send the same one on every retry of that change: the API then applies the
 * change at most once and answers a retry with the first answer (`Idempotent-Replayed: true`).
 * A new change needs a new key; reusing a key for a different request is 422.
 *
 * ```ts
 * const change = idempotencyKey();
 * await client.POST('/v1/workflows', { params: { header: change }, body }); // and on retry: same `change`
 * ```
 */
export function idempotencyKey(key: string = newIdempotencyKey()): { 'Idempotency-Key': string } {
  return { 'Idempotency-Key': key };
}

/** A fresh random key (UUID v4), from the platform's Web Crypto (browsers, Node ≥ 19). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
