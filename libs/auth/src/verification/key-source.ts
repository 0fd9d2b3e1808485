import type { JWSHeaderParameters, KeyLike } from 'jose';

/** Where an issuer's signing keys come from: its JWKS over HTTP, or (dev issuer) memory. */
export interface KeySource {
  /** The key the token header names; throws `KeyNotFound` when the issuer has no such key. */
  keyFor(header: JWSHeaderParameters): Promise<KeyLike | Uint8Array>;
  /** Whether the key set held now (no fetch) still publishes this `kid`. */
  hasKey(kid: string): boolean;
  /** Milliseconds since the key set was last fetched successfully (0 for in-memory keys). */
  readonly ageMs: number;
}

/** The issuer publishes no key with this `kid`, even after a refresh. */
export class KeyNotFound extends Error {}

/** The issuer's keys cannot be fetched and no earlier copy exists. */
export class KeysUnavailable extends Error {
  /** When the next fetch may be tried, for `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}
