import { AtomicCounters, CounterValue } from './atomic-counters';
import { Cache } from './cache';
import { assertOneSlot, CallerCall, CallerReply, CallerRoundTrip } from './caller-round-trip';
import { DistributedLock } from './distributed-lock';
import { lockKeyOf } from './redis-distributed-lock';

/**
 * Single-instance stand-in for `RedisCallerRoundTrip`: the same steps, in the same order, on the
 * development mode's in-process cache, counters and lock (so what it counts and leases is what
 * they see). One process, no network: there is no round trip to save, only the contract to keep.
 */
export class MemoryCallerRoundTrip extends CallerRoundTrip {
  constructor(
    private readonly cache: Cache,
    private readonly counters: AtomicCounters,
    private readonly locks: DistributedLock,
  ) {
    super();
  }

  async send(call: CallerCall): Promise<CallerReply> {
    const { tag, reads, counters, lease } = call;
    assertOneSlot(tag, [
      ...reads,
      ...counters.map((counter) => counter.key),
      ...(lease ? [lockKeyOf(lease.name)] : []),
    ]);
    const values = await this.cache.getMany(reads);
    const counted: CounterValue[] = [];
    for (const counter of counters) {
      const value = await this.counters.increment(counter.key, 1, counter.ttlMs);
      counted.push(value);
      if (value.value > counter.limit) break;
    }
    if (!lease) return { values, counters: counted };
    if (counted.length < counters.length || counted.some((value, i) => value.value > counters[i].limit)) {
      return { values, counters: counted, lease: 'not-taken' };
    }
    return { values, counters: counted, lease: (await this.locks.tryAcquire(lease.name, lease.ttlMs)) ?? 'held' };
  }

  async giveBack(tag: string, counterKeys: readonly string[]): Promise<void> {
    assertOneSlot(tag, counterKeys);
    for (const key of counterKeys) {
      const { value } = await this.counters.increment(key, -1, 1);
      if (value <= 0) await this.counters.reset(key);
    }
  }
}
