import { randomUUID } from 'node:crypto';
import { DistributedLock, FENCE_KEEP_MS, LockLease } from './distributed-lock';
import { expiringEntries } from './expiring-entries';

/** Single-instance stand-in for `RedisDistributedLock`, with the same lease and fencing rules. */
export class MemoryDistributedLock extends DistributedLock {
  private readonly holders = expiringEntries<string>();
  private readonly fences = expiringEntries<number>();

  constructor(private readonly fenceKeepMs = FENCE_KEEP_MS) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    if (this.holders.get(name) !== undefined) return undefined;
    const token = randomUUID();
    this.holders.set(name, token, { ttl: ttlMs });
    const now = Date.now();
    const fencingToken = Math.max((this.fences.get(name) ?? 0) + 1, now);
    this.fences.set(name, fencingToken, { ttl: fencingToken - now + this.fenceKeepMs });
    return {
      name,
      fencingToken,
      release: async () => this.holders.get(name) === token && this.holders.delete(name),
      extend: async (extension: number) => {
        if (this.holders.get(name) !== token) return false;
        this.holders.set(name, token, { ttl: extension });
        return true;
      },
    };
  }
}
