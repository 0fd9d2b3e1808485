import { Cache } from './cache';
import { groupBySlot } from './hash-tag';
import type { RedisCommands } from './redis-commands';

/** Every cache entry's key starts with this (the caller round trip's script reads the same keys). */
export const CACHE_PREFIX = 'cache:';

export class RedisCache extends Cache {
  constructor(private readonly redis: RedisCommands) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.run((client) => client.get(CACHE_PREFIX + key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  /**
   * One MGET per hash slot (ADR 21): keys sharing a hash tag (a user's principal entry and
   * generation) go in one; keys of different entities (a user's sessions) each in their own, all
   * sent at once, so still one round trip (auto-pipelining, per node on a cluster).
   */
  async getMany(keys: readonly string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const prefixed = keys.map((key) => CACHE_PREFIX + key);
    const raws: (string | null)[] = [];
    await this.redis.run((client) =>
      Promise.all(
        groupBySlot(prefixed).map(async (group) => {
          const values = await client.mget(group.map((index) => prefixed[index]));
          group.forEach((index, at) => (raws[index] = values[at]));
        }),
      ),
    );
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as unknown)));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.redis.run((client) => client.set(CACHE_PREFIX + key, JSON.stringify(value), 'PX', ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.redis.run((client) => client.del(CACHE_PREFIX + key));
  }
}
