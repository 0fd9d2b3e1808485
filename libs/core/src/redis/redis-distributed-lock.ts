import { randomUUID } from 'node:crypto';
import { DistributedLock, FENCE_KEEP_MS, LockLease } from './distributed-lock';
import { hashTag, slotSource } from './hash-tag';
import type { RedisCommands } from './redis-commands';

// Take the lock (SET NX PX) and issue the next fencing token in one atomic step, so a token is
// only ever handed to the holder of the lock. The token is max(previous + 1, Redis's clock in ms)
// and its counter expires once the clock has passed it by the keep margin (see FENCE_KEEP_MS).
// TIME before a write needs Redis 5 or later (effects replication of scripts). A function, so
// that the caller round trip's script (redis-caller-round-trip.ts) takes leases the same way.
export const ACQUIRE_FUNCTION = `
local function acquire(key, fence, token, ttl, keep)
  if not redis.call('SET', key, token, 'NX', 'PX', ttl) then return 0 end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local fencing = math.max(tonumber(redis.call('GET', fence) or '0') + 1, now)
  redis.call('SET', fence, string.format('%d', fencing), 'PX', string.format('%d', fencing - now + tonumber(keep)))
  return fencing
end`;

const ACQUIRE = `${ACQUIRE_FUNCTION}
return acquire(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])`;

// Compare-and-delete: never release a lock that expired and was taken by someone else.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Compare-and-extend: a holder whose lease expired cannot extend the next holder's.
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * The lock's key; its fence counter is this plus `:fence`. Hash-tagged by name, so the two share a
 * Redis Cluster slot while different locks spread over the cluster (ADR 21); a name that carries a
 * hash tag of its own keeps it, so that a lock can share the slot of its owner's other keys (an
 * idempotency marker with its caller's counters, ADR 28).
 */
export function lockKeyOf(name: string): string {
  return slotSource(name) === name ? `lock:${hashTag(name)}` : `lock:${name}`;
}

/** The lease on `key` held with `token`: release and extend only while `token` still holds it. */
export function redisLease(
  redis: RedisCommands,
  name: string,
  key: string,
  token: string,
  fencingToken: number,
): LockLease {
  return {
    name,
    fencingToken,
    release: async () => Number(await redis.run((client) => client.eval(RELEASE, 1, key, token))) === 1,
    extend: async (extension: number) =>
      Number(await redis.run((client) => client.eval(EXTEND, 1, key, token, extension))) === 1,
  };
}

export class RedisDistributedLock extends DistributedLock {
  constructor(
    private readonly redis: RedisCommands,
    private readonly fenceKeepMs = FENCE_KEEP_MS,
  ) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const key = lockKeyOf(name);
    const token = randomUUID();
    const fencingToken = Number(
      await this.redis.run((client) => client.eval(ACQUIRE, 2, key, `${key}:fence`, token, ttlMs, this.fenceKeepMs)),
    );
    if (fencingToken === 0) return undefined;
    return redisLease(this.redis, name, key, token, fencingToken);
  }
}
