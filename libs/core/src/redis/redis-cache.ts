import { Cache } from './cache';
import type { RedisCommands } from './redis-commands';

const PREFIX = 'cache:';

export class RedisCache extends Cache {
  constructor(private readonly redis: RedisCommands) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.run((client) => client.get(PREFIX + key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const raws = await this.redis.run((client) => client.mget(keys.map((key) => PREFIX + key)));
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as unknown)));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.redis.run((client) => client.set(PREFIX + key, JSON.stringify(value), 'PX', ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.redis.run((client) => client.del(PREFIX + key));
  }
}
