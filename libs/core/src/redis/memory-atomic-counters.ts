import { AtomicCounters, CounterValue } from './atomic-counters';
import { expiringEntries } from './expiring-entries';

/** Single-instance stand-in for `RedisAtomicCounters`. */
export class MemoryAtomicCounters extends AtomicCounters {
  private readonly counters = expiringEntries<number>();

  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    const current = this.counters.get(key);
    if (current === undefined) {
      this.counters.set(key, by, { ttl: ttlMs });
      return { value: by, ttlMs };
    }
    // The window started at the first increment: a later one keeps its expiry.
    this.counters.set(key, current + by, { noUpdateTTL: true });
    return { value: current + by, ttlMs: this.counters.getRemainingTTL(key) || ttlMs };
  }

  async get(key: string): Promise<number> {
    return this.counters.get(key) ?? 0;
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  async take(key: string): Promise<number> {
    const value = this.counters.get(key) ?? 0;
    this.counters.delete(key);
    return value;
  }
}
