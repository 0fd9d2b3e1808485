import type { CounterValue } from './atomic-counters';
import type { LockLease } from './distributed-lock';
import { slotSource } from './hash-tag';

/** A counter to increment by one, refused past `limit` (a rate-limit budget's window). */
export interface CallerCounter {
  readonly key: string;
  /** The window, started by the first increment. */
  readonly ttlMs: number;
  readonly limit: number;
}

/** A lease (`DistributedLock.tryAcquire`) taken only when every counter is within its limit. */
export interface CallerLease {
  readonly name: string;
  readonly ttlMs: number;
}

/**
 * One caller's Redis work, sent as one round trip (ADR 28): cache reads, counter increments and a
 * lease, on the keys of the `Cache`, `AtomicCounters` and `DistributedLock` contracts (the same
 * keys those reach on their own). Every key carries `tag`, so on a Redis Cluster they share one
 * slot and one script may touch them all (ADR 21).
 */
export interface CallerCall {
  /** The caller's hash tag (`hashTag(id)`). */
  readonly tag: string;
  readonly reads: readonly string[];
  /** Incremented in order; the first one past its limit is the last one incremented. */
  readonly counters: readonly CallerCounter[];
  readonly lease?: CallerLease;
}

export interface CallerReply {
  /** The cached values of `reads`, in order; `undefined` where missing. */
  readonly values: unknown[];
  /** The counters incremented, in order: fewer than asked when one went past its limit. */
  readonly counters: readonly CounterValue[];
  /**
   * The lease; `held` by someone else; `not-taken` when a counter went past its limit; absent when
   * none was asked for.
   */
  readonly lease?: LockLease | 'held' | 'not-taken';
}

/**
 * Backed by one Lua script on Redis, or by the in-process stand-ins in development: the same
 * contract (shared-state.int-spec.ts runs it against both).
 */
export abstract class CallerRoundTrip {
  /** Reads, counts and leases at once. Refuses (before sending anything) keys that do not all carry `call.tag`. */
  abstract send(call: CallerCall): Promise<CallerReply>;
  /**
   * Gives back one increment of each counter (a request refused before it should have been
   * counted); a counter that falls to zero is deleted, so its window starts afresh.
   */
  abstract giveBack(tag: string, counterKeys: readonly string[]): Promise<void>;
}

/** Throws unless every key's slot is the one `tag` decides: what a Redis Cluster would refuse (CROSSSLOT). */
export function assertOneSlot(tag: string, keys: readonly string[]): void {
  const source = slotSource(tag);
  if (source === tag) throw new Error(`Not a hash tag: ${JSON.stringify(tag)}`);
  const stray = keys.filter((key) => slotSource(key) !== source);
  if (stray.length > 0) throw new Error(`Keys outside the caller's hash tag ${tag}: ${stray.join(', ')}`);
}
