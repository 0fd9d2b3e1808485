import { hash } from 'node:crypto';
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
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get(key: string): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= this.now()) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry;
  }

  set(key: string, token: VerifiedToken): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, token);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
