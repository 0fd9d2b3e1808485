import { createHash } from 'node:crypto';
import type { VerifiedToken } from './verified-token';
import { VerifiedTokenCache } from './verified-token-cache';

function verified(objectId: string, expiresAtMs = Number.MAX_SAFE_INTEGER): VerifiedToken {
  return {
    claims: { oid: objectId },
    issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
    issuerKind: 'entra-v2',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    objectId,
    issuedAtSeconds: 0,
    expiresAtMs,
    keyId: 'k1',
  };
}

/** Which of `keys` are still cached. Reading counts as a use, so call it only as the last step. */
function held(cache: VerifiedTokenCache, keys: readonly string[]): string[] {
  return keys.filter((key) => cache.get(key) !== undefined);
}

describe('VerifiedTokenCache', () => {
  describe('bounded, least recently used first', () => {
    it('evicts the oldest entry when full', () => {
      const cache = new VerifiedTokenCache(2);
      cache.set('a', verified('a'));
      cache.set('b', verified('b'));
      cache.set('c', verified('c'));

      expect(cache.size).toBe(2);
      expect(held(cache, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    });

    it('counts a read as a use, so the entry read last survives', () => {
      const cache = new VerifiedTokenCache(2);
      cache.set('a', verified('a'));
      cache.set('b', verified('b'));
      expect(cache.get('a')?.objectId).toBe('a');

      cache.set('c', verified('c'));

      expect(held(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    });

    it('counts a rewrite as a use and keeps one entry per key', () => {
      const cache = new VerifiedTokenCache(2);
      cache.set('a', verified('a-old'));
      cache.set('b', verified('b'));
      cache.set('a', verified('a-new'));

      expect(cache.size).toBe(2);
      cache.set('c', verified('c'));

      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')?.objectId).toBe('a-new');
      expect(cache.get('c')?.objectId).toBe('c');
    });

    it('evicts in insertion order across many writes and never grows past its bound', () => {
      const cache = new VerifiedTokenCache(3);
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      for (const key of keys) {
        cache.set(key, verified(key));
        expect(cache.size).toBeLessThanOrEqual(3);
      }
      expect(held(cache, keys)).toEqual(['k7', 'k8', 'k9']);
    });
  });

  describe('expiry (the injected clock)', () => {
    let nowMs: number;
    let cache: VerifiedTokenCache;

    beforeEach(() => {
      nowMs = 1_000_000;
      cache = new VerifiedTokenCache(10, () => nowMs);
      cache.set('t', verified('t', 1_000_500));
    });

    it.each([
      ['well before exp', 0, true],
      ['1 ms before exp', 499, true],
      ['at exp', 500, false],
      ['after exp', 501, false],
      ['long after exp', 3_600_000, false],
    ])('%s: returned = %s', (_case, advanceMs, returned) => {
      nowMs += advanceMs;
      expect(cache.get('t') !== undefined).toBe(returned);
    });

    it('drops an expired entry when it is read, and stays empty when the clock goes back', () => {
      nowMs += 500;
      expect(cache.get('t')).toBeUndefined();
      expect(cache.size).toBe(0);

      nowMs -= 10_000;
      expect(cache.get('t')).toBeUndefined();
    });

    it('never returns an entry that was already expired when stored', () => {
      cache.set('stale', verified('stale', nowMs));
      expect(cache.get('stale')).toBeUndefined();
      cache.set('older', verified('older', nowMs - 1));
      expect(cache.get('older')).toBeUndefined();
    });
  });

  it('caches nothing at size 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', verified('a'));
    cache.set('a', verified('a'));

    expect(cache.size).toBe(0);
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets a deleted entry and keeps the others (the verifier deletes one whose key left its issuer)', () => {
    const cache = new VerifiedTokenCache(3);
    cache.set('a', verified('a'));
    cache.set('b', verified('b'));
    cache.delete('a');
    cache.delete('never-stored');

    expect(cache.size).toBe(1);
    expect(held(cache, ['a', 'b'])).toEqual(['b']);
  });

  it('misses an unknown key', () => {
    expect(new VerifiedTokenCache(5).get('nope')).toBeUndefined();
  });

  describe('keyOf', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

    it("is the token's SHA-256, base64url: the token itself is never a key", () => {
      const key = VerifiedTokenCache.keyOf(token);

      expect(key).toBe(createHash('sha256').update(token).digest('base64url'));
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toContain(token);
      for (const segment of token.split('.')) expect(key).not.toContain(segment);
    });

    it('is stable for one token and differs for tokens one character apart', () => {
      expect(VerifiedTokenCache.keyOf(token)).toBe(VerifiedTokenCache.keyOf(token));
      expect(VerifiedTokenCache.keyOf(`${token}x`)).not.toBe(VerifiedTokenCache.keyOf(token));
    });

    it('has the same length whatever the token length', () => {
      expect(VerifiedTokenCache.keyOf('')).toHaveLength(43);
      expect(VerifiedTokenCache.keyOf('x'.repeat(65_536))).toHaveLength(43);
    });
  });
});
