import { AtomicCounters, CounterValue } from './atomic-counters';
import type { RedisClient } from './redis-client';
import type { RedisCommands } from './redis-commands';
import type { RedisScript } from './redis-scripts';

/** Every counter's key starts with this (the caller round trip's script counts the same keys). */
export const COUNTER_PREFIX = 'counter:';

// Increment and start the expiry window in one step; a counter can never be left without a TTL.
const INCREMENT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {value, ttl}`;

const INCREMENT_COMMAND = 'flowgateCounterIncrement';

/** Defined on every client as it is created (`defineScripts`). */
export const COUNTER_SCRIPTS: readonly RedisScript[] = [{ name: INCREMENT_COMMAND, lua: INCREMENT, numberOfKeys: 1 }];

interface WithIncrement {
  [INCREMENT_COMMAND](key: string, by: number, ttlMs: number): Promise<[number, number]>;
}

export class RedisAtomicCounters extends AtomicCounters {
  constructor(private readonly redis: RedisCommands) {
    super();
  }

  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    const [value, ttl] = await this.redis.run((client) =>
      withIncrement(client)[INCREMENT_COMMAND](COUNTER_PREFIX + key, by, ttlMs),
    );
    return { value: Number(value), ttlMs: Number(ttl) };
  }

  async get(key: string): Promise<number> {
    return Number((await this.redis.run((client) => client.get(COUNTER_PREFIX + key))) ?? 0);
  }

  async reset(key: string): Promise<void> {
    await this.redis.run((client) => client.del(COUNTER_PREFIX + key));
  }

  async take(key: string): Promise<number> {
    return Number((await this.redis.run((client) => client.getdel(COUNTER_PREFIX + key))) ?? 0);
  }
}

/** The client with the increment script, which `createRedisClient` defined (`defineScripts`). */
function withIncrement(client: RedisClient): WithIncrement {
  return client as unknown as WithIncrement;
}
