import { LRUCache } from 'lru-cache';
import { Cache } from './cache';

/** As many entries as development needs; past that, the least recently used goes, as Redis's
 * `allkeys-lru` would do. */
const MAX_ENTRIES = 10_000;

/** Single-instance stand-in for `RedisCache`. Values are stored serialised, as in Redis, so a
 * caller mutating what it got back cannot change the cached copy. */
export class MemoryCache extends Cache {
  private readonly store = new LRUCache<string, string>({ max: MAX_ENTRIES });

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.store.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    this.store.set(key, JSON.stringify(value), { ttl: ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.store.delete(key);
  }
}
