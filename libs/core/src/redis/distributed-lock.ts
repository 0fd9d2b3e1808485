/** A held lock. `fencingToken` grows with every acquisition of the same name: a resource guarded
 * by the lock rejects writes carrying a token lower than the last one it saw, which protects it
 * from a holder that paused past its lease. */
export interface LockLease {
  readonly name: string;
  readonly fencingToken: number;
  /** Releases the lock if this lease still holds it; false when it had already expired. */
  release(): Promise<boolean>;
  /** Extends the lease if it still holds the lock; false when it had already expired. */
  extend(ttlMs: number): Promise<boolean>;
}

/** Mutual exclusion across every instance (singleton jobs, one-at-a-time work). */
export abstract class DistributedLock {
  /** Takes the lock for `ttlMs` if it is free; `undefined` when someone else holds it. */
  abstract tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined>;
}
