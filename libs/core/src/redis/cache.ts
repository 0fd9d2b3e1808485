/**
 * A shared cache of JSON values with a time to live. Backed by Redis (shared by every instance) or,
 * in single-instance development, by process memory.
 */
export abstract class Cache {
  abstract get<T>(key: string): Promise<T | undefined>;
  /** Several values in one round trip, in the order of `keys`. */
  abstract getMany(keys: readonly string[]): Promise<unknown[]>;
  abstract set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
}
