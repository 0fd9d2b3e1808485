import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { VerifiedToken } from './verified-token';

/**
 * Remembers tokens whose signature and claims already passed, keyed by the token's SHA-256 (the
 * token itself is never stored), so a client sending the same token on every request pays the
 * RSA verification once. Bounded (least recently used goes first) and an entry never outlives
 * its token's `exp`. Revocation and suspension are checked on every request after this cache,
 * so a cached token stops working the moment its session is revoked; the verifier also drops an
 * entry whose signing key its issuer no longer publishes.
 */
export class VerifiedTokenCache {
  /** Absent at size 0: nothing is cached (lru-cache needs a bound of at least one). */
  private readonly entries: LRUCache<string, VerifiedToken> | undefined;

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.entries =
      maxEntries === 0
        ? undefined
        : new LRUCache<string, VerifiedToken>({
            max: maxEntries,
            // `exp` is wall-clock time, so expiry is measured on the same clock (injectable for
            // specs), read on every check rather than cached for a millisecond.
            perf: { now },
            ttlResolution: 0,
          });
  }

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get(key: string): VerifiedToken | undefined {
    return this.entries?.get(key);
  }

  set(key: string, token: VerifiedToken): void {
    if (!this.entries) return;
    // lru-cache drops an entry once its age exceeds the TTL; a token is dead at `exp` itself, one
    // millisecond sooner. A TTL of 0 would mean "never expires": such a token is not kept at all.
    const ttl = token.expiresAtMs - this.entries.perf.now() - 1;
    if (ttl <= 0) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, token, { ttl });
  }

  delete(key: string): void {
    this.entries?.delete(key);
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
