import { randomUUID } from 'node:crypto';
import { DistributedLock, FENCE_KEEP_MS, LockLease } from './distributed-lock';
import { hashTag } from './hash-tag';
import type { RedisCommands } from './redis-commands';

// Take the lock (SET NX PX) and issue the next fencing token in one atomic step, so a token is
// only ever handed to the holder of the lock. The token is max(previous + 1, Redis's clock in ms)
// and its counter expires once the clock has passed it by the keep margin (see FENCE_KEEP_MS).
// TIME before a write needs Redis 5 or later (effects replication of scripts).
const ACQUIRE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local token = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now)
redis.call('SET', KEYS[2], string.format('%d', token), 'PX', string.format('%d', token - now + tonumber(ARGV[3])))
return token`;

// Compare-and-delete: never release a lock that expired and was taken by someone else.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Compare-and-extend: a holder whose lease expired cannot extend the next holder's.
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export class RedisDistributedLock extends DistributedLock {
  constructor(
    private readonly redis: RedisCommands,
    private readonly fenceKeepMs = FENCE_KEEP_MS,
  ) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    // Hash-tagged by name: the lock and its fence counter share a Redis Cluster slot, as the
    // script needs, while different locks spread over the cluster (ADR 21).
    const key = `lock:${hashTag(name)}`;
    const token = randomUUID();
    const fencingToken = Number(
      await this.redis.run((client) => client.eval(ACQUIRE, 2, key, `${key}:fence`, token, ttlMs, this.fenceKeepMs)),
    );
    if (fencingToken === 0) return undefined;
    return {
      name,
      fencingToken,
      release: async () => Number(await this.redis.run((client) => client.eval(RELEASE, 1, key, token))) === 1,
      extend: async (extension: number) =>
        Number(await this.redis.run((client) => client.eval(EXTEND, 1, key, token, extension))) === 1,
    };
  }
}
