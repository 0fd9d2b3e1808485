export interface CounterValue {
  readonly value: number;
  /** Milliseconds until the counter expires (it restarts from zero then). */
  readonly ttlMs: number;
}

/** Counters that many instances increment without losing updates (rate limits, quotas). */
export abstract class AtomicCounters {
  /** Adds `by` and returns the new value. The window (`ttlMs`) starts with the first increment. */
  abstract increment(key: string, by: number, ttlMs: number): Promise<CounterValue>;
  abstract get(key: string): Promise<number>;
  abstract reset(key: string): Promise<void>;
  /** Reads and deletes in one step: of several instances taking one counter, one gets its value. */
  abstract take(key: string): Promise<number>;
}
