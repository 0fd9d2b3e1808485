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

/**
 * How long a lock name's fence counter is kept after the clock has caught up with it.
 *
 * A fencing token only has to be larger than every token issued before it for the same name. A
 * counter per name kept forever does that, but leaves one key behind per name ever locked (one per
 * idempotency key: unbounded). So tokens are `max(previous + 1, the clock in ms)`, and the counter
 * is kept only while it may be ahead of the clock (several acquisitions within a millisecond),
 * plus this margin. Once it has expired, the clock alone is past every token issued before, so
 * the next token is still larger — even if the clock stepped back by up to this margin (an NTP
 * step, a failover to a replica whose clock differs). Ten minutes is also far longer than any
 * lease taken here, so a counter is never dropped while its holder could still be renewing.
 */
export const FENCE_KEEP_MS = 10 * 60_000;

/** Mutual exclusion across every instance (singleton jobs, one-at-a-time work). */
export abstract class DistributedLock {
  /** Takes the lock for `ttlMs` if it is free; `undefined` when someone else holds it. */
  abstract tryAcquire(name: string, ttlMs: number): Promise<LockLease | undefined>;
}
