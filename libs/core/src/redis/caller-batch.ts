import type { CounterValue } from './atomic-counters';
import type { CallerCall, CallerCounter, CallerLease, CallerReply, CallerRoundTrip } from './caller-round-trip';
import type { LockLease } from './distributed-lock';

/** What a request will need counted and leased for its caller, once the caller's tag is known. */
export interface CallerNeeds {
  readonly counters: readonly CallerCounter[];
  readonly lease?: CallerLease;
}

/**
 * One request's Redis work for its caller, gathered into one round trip (ADR 28). Planned before
 * the guards run (`plan`: the counters and lease the route will need, as a function of the
 * caller's hash tag, unknown until the token is verified); sent with the caller's first cache
 * read (the principal lookup, `read`); then *claimed* by the parts that would have sent those
 * commands themselves: the rate limiter (`counted`) and the idempotency interceptor (`lease`).
 * A part that finds nothing to claim sends its own command, as it would without a batch.
 *
 * Sent before the guards decide, so a request they refuse may have been counted and leased
 * early: `giveBackUnclaimed` undoes what no part claimed (the counters of a request refused before
 * the rate limiter, the lease of one refused before the interceptor), before the refusal is sent.
 */
export class CallerBatch {
  private sent: { readonly call: CallerCall; readonly reply: Promise<CallerReply> } | undefined;
  private readonly claimedCounters = new Set<number>();
  private leaseClaimed = false;
  private givenBack = false;

  constructor(
    private readonly roundTrip: CallerRoundTrip,
    private readonly needs: (tag: string) => CallerNeeds,
  ) {}

  /**
   * The caller's cache read, sent together with the counters and lease planned for this caller.
   * Only the first read carries them; a later one (a second lookup) goes alone.
   */
  read(tag: string, keys: readonly string[]): Promise<unknown[]> {
    if (this.sent) return this.roundTrip.send({ tag, reads: keys, counters: [] }).then((reply) => reply.values);
    const call: CallerCall = { tag, reads: keys, ...this.needs(tag) };
    const reply = this.roundTrip.send(call);
    // Claimed later, or never (the request refused first): a failure is the claimer's to handle.
    reply.catch(() => undefined);
    this.sent = { call, reply };
    return reply.then((answer) => answer.values);
  }

  /**
   * The value the round trip counted for `key`: `undefined` when it was not part of it (or not
   * reached, an earlier counter being past its limit), then the caller counts on its own.
   * Rejects when the round trip failed (Redis away), as the counter's own call would have.
   */
  counted(key: string): Promise<CounterValue | undefined> | undefined {
    const sent = this.sent;
    const index = sent?.call.counters.findIndex((counter) => counter.key === key) ?? -1;
    if (!sent || index === -1 || this.claimedCounters.has(index) || this.givenBack) return undefined;
    this.claimedCounters.add(index);
    return sent.reply.then((reply) => reply.counters[index]);
  }

  /**
   * The lease the round trip took for `name` (or `held`: someone else has it); `undefined` when it
   * asked for none by that name, or took none (a counter past its limit), then the caller takes
   * its own. Rejects when the round trip failed, as the lock's own call would have.
   */
  lease(name: string): Promise<LockLease | 'held' | undefined> | undefined {
    const sent = this.sent;
    if (!sent || sent.call.lease?.name !== name || this.leaseClaimed || this.givenBack) return undefined;
    this.leaseClaimed = true;
    return sent.reply.then((reply) => (reply.lease === 'not-taken' ? undefined : reply.lease));
  }

  /**
   * Undoes what no part claimed: one increment of each unclaimed counter, and the unclaimed lease.
   * Never fails: what cannot be given back (Redis away) expires with its window or lease.
   */
  async giveBackUnclaimed(): Promise<void> {
    const sent = this.sent;
    if (!sent || this.givenBack) return;
    this.givenBack = true;
    const reply = await sent.reply.catch(() => undefined);
    if (!reply) return;
    const counters = reply.counters
      .map((_value, index) => index)
      .filter((index) => !this.claimedCounters.has(index))
      .map((index) => sent.call.counters[index].key);
    const lease = !this.leaseClaimed && typeof reply.lease === 'object' ? reply.lease : undefined;
    // Sent in the same tick: auto-pipelined, one round trip.
    await Promise.all([
      counters.length > 0 ? this.roundTrip.giveBack(sent.call.tag, counters) : undefined,
      lease?.release(),
    ]).catch(() => undefined);
  }
}

const batches = new WeakMap<object, CallerBatch>();

/** Attaches the request's batch (the global guards do, before authentication). */
export function attachCallerBatch(request: object, batch: CallerBatch): void {
  batches.set(request, batch);
}

/** The request's batch, if one was planned for it. */
export function callerBatchOf(request: object): CallerBatch | undefined {
  return batches.get(request);
}
