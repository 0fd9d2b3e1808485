import { randomUUID } from 'node:crypto';
import { DistributedLock, LockLease } from './distributed-lock';
import type { RedisCommands } from './redis-commands';

const PREFIX = 'lock:';

// Take the lock (SET NX PX) and issue the next fencing token in one atomic step, so a token is
// only ever handed to the holder of the lock.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

// Compare-and-delete: never release a lock that expired and was taken by someone else.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export class RedisDistributedLock extends DistributedLock {
  constructor(private readonly redis: RedisCommands) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const key = `${PREFIX}${name}`;
    const token = randomUUID();
    const fencingToken = Number(
      await this.redis.run((client) => client.eval(ACQUIRE, 2, key, `${key}:fence`, token, ttlMs)),
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
