import type Redis from 'ioredis';
import { Cache } from './cache';

const PREFIX = 'cache:';

export class RedisCache extends Cache {
  constructor(private readonly redis: Redis) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(keys.map((key) => PREFIX + key));
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as unknown)));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.redis.set(PREFIX + key, JSON.stringify(value), 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }
}
