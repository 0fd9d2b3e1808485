import { LRUCache } from 'lru-cache';

/**
 * The storage of the in-process stand-ins for locks and counters: `lru-cache` as a map whose
 * entries vanish after their own TTL (every `set` passes one). Unbounded on purpose: evicting a
 * lock holder would let a second holder in, and evicting a counter would refill a budget, so
 * nothing leaves before it expires; `ttlAutopurge` drops expired entries on a timer, which bounds
 * memory by the keys live at once.
 */
export function expiringEntries<V extends NonNullable<unknown>>(): LRUCache<string, V> {
  // The constructor wants a default TTL for an unbounded cache; every caller passes its own.
  return new LRUCache<string, V>({ ttl: 60_000, ttlAutopurge: true });
}
