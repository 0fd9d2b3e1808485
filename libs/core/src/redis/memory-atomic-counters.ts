import { AtomicCounters, CounterValue } from './atomic-counters';
import { ExpiringMap } from './expiring-map';

/** Single-instance stand-in for `RedisAtomicCounters`. */
export class MemoryAtomicCounters extends AtomicCounters {
  private readonly counters = new ExpiringMap<number>();

  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    const current = this.counters.get(key);
    if (current === undefined) {
      this.counters.set(key, by, ttlMs);
      return { value: by, ttlMs };
    }
    this.counters.update(key, current + by);
    return { value: current + by, ttlMs: this.counters.ttl(key) ?? ttlMs };
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
