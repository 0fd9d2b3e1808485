import { CallerBatch, attachCallerBatch, callerBatchOf } from './caller-batch';
import { CallerCall, CallerReply, CallerRoundTrip } from './caller-round-trip';
import type { LockLease } from './distributed-lock';
import { RedisUnavailable } from './redis-unavailable';

const TAG = '{caller}';
const NEEDS = {
  counters: [
    { key: `principal:${TAG}`, ttlMs: 60_000, limit: 10 },
    { key: `sensitive:${TAG}`, ttlMs: 60_000, limit: 1 },
  ],
  lease: { name: `marker:${TAG}`, ttlMs: 5_000 },
};

/** A lease, and its `release` as a mock to look at. */
function lease(): { lease: LockLease; release: jest.Mock } {
  const release = jest.fn(async () => true);
  return { lease: { name: NEEDS.lease.name, fencingToken: 1, release, extend: jest.fn() }, release };
}

/** A round trip answering `reply` (or failing with it), recording what it was asked. */
class FakeRoundTrip extends CallerRoundTrip {
  readonly calls: CallerCall[] = [];
  readonly givenBack: string[][] = [];
  constructor(
    private readonly reply: CallerReply | Error,
    private readonly giveBackFails = false,
  ) {
    super();
  }
  async send(call: CallerCall): Promise<CallerReply> {
    this.calls.push(call);
    if (this.reply instanceof Error) throw this.reply;
    return call.counters.length === 0 ? { values: this.reply.values, counters: [] } : this.reply;
  }
  async giveBack(_tag: string, keys: readonly string[]): Promise<void> {
    this.givenBack.push([...keys]);
    if (this.giveBackFails) throw new RedisUnavailable('away');
  }
}

const counted = (value: number) => ({ value, ttlMs: 60_000 });

describe('CallerBatch', () => {
  it('sends its counters and lease with the caller’s first read, built for the caller’s tag; a second read goes alone', async () => {
    const roundTrip = new FakeRoundTrip({
      values: ['g', 'e'],
      counters: [counted(1), counted(1)],
      lease: lease().lease,
    });
    const needs = jest.fn(() => NEEDS);
    const batch = new CallerBatch(roundTrip, needs);

    expect(await batch.read(TAG, ['a', 'b'])).toEqual(['g', 'e']);
    await batch.read(TAG, ['c']);

    expect(needs).toHaveBeenCalledWith(TAG);
    expect(roundTrip.calls).toEqual([
      { tag: TAG, reads: ['a', 'b'], ...NEEDS },
      { tag: TAG, reads: ['c'], counters: [] },
    ]);
  });

  it('hands each counted value and the lease to one claimer; what it did not do is left to the claimer', async () => {
    const taken = lease();
    const batch = new CallerBatch(
      new FakeRoundTrip({ values: [], counters: [counted(3)], lease: 'not-taken' }),
      () => NEEDS,
    );
    expect(batch.counted(NEEDS.counters[0].key)).toBeUndefined(); // nothing sent yet
    await batch.read(TAG, []);

    await expect(batch.counted(NEEDS.counters[0].key)).resolves.toEqual(counted(3));
    expect(batch.counted(NEEDS.counters[0].key)).toBeUndefined(); // claimed once
    await expect(batch.counted(NEEDS.counters[1].key)).resolves.toBeUndefined(); // not reached
    expect(batch.counted('other')).toBeUndefined();
    await expect(batch.lease(NEEDS.lease.name)).resolves.toBeUndefined(); // not taken: the claimer takes its own
    expect(taken.release).not.toHaveBeenCalled();

    const held = new CallerBatch(new FakeRoundTrip({ values: [], counters: [], lease: 'held' }), () => NEEDS);
    await held.read(TAG, []);
    expect(held.lease('another name')).toBeUndefined();
    await expect(held.lease(NEEDS.lease.name)).resolves.toBe('held');
  });

  it('gives back, once, the counters and the lease no one claimed, and nothing a claimer took', async () => {
    const taken = lease();
    const roundTrip = new FakeRoundTrip({ values: [], counters: [counted(1), counted(2)], lease: taken.lease });
    const batch = new CallerBatch(roundTrip, () => NEEDS);
    await batch.read(TAG, []);
    await batch.counted(NEEDS.counters[0].key);

    await batch.giveBackUnclaimed();
    await batch.giveBackUnclaimed();

    expect(roundTrip.givenBack).toEqual([[NEEDS.counters[1].key]]);
    expect(taken.release).toHaveBeenCalledTimes(1);
    expect(batch.lease(NEEDS.lease.name)).toBeUndefined();
  });

  it('gives back nothing when nothing was sent, and only what was counted: up to the counter past its limit', async () => {
    const idle = new FakeRoundTrip({ values: [], counters: [] });
    await new CallerBatch(idle, () => NEEDS).giveBackUnclaimed();
    expect(idle.calls).toEqual([]);

    const stopped = new FakeRoundTrip({ values: [], counters: [counted(11)], lease: 'not-taken' });
    const batch = new CallerBatch(stopped, () => NEEDS);
    await batch.read(TAG, []);
    await batch.giveBackUnclaimed();
    expect(stopped.givenBack).toEqual([[NEEDS.counters[0].key]]);
  });

  describe('when the round trip fails (Redis away, a script error)', () => {
    it('fails the read and every claim, as each command would have failed on its own', async () => {
      const failure = new RedisUnavailable('Redis became unavailable during the call');
      const batch = new CallerBatch(new FakeRoundTrip(failure), () => NEEDS);

      await expect(batch.read(TAG, ['a'])).rejects.toBe(failure);
      await expect(batch.counted(NEEDS.counters[0].key)).rejects.toBe(failure);
      await expect(batch.lease(NEEDS.lease.name)).rejects.toBe(failure);
    });

    it('leaves no unhandled rejection when no one claims, and gives back nothing', async () => {
      const roundTrip = new FakeRoundTrip(new RedisUnavailable('away'));
      const batch = new CallerBatch(roundTrip, () => NEEDS);
      await batch.read(TAG, []).catch(() => undefined);
      await expect(batch.giveBackUnclaimed()).resolves.toBeUndefined();
      expect(roundTrip.givenBack).toEqual([]);
    });

    it('never fails a refusal for want of giving back: what stays expires with its window or lease', async () => {
      const taken = lease();
      taken.release.mockRejectedValue(new RedisUnavailable('away'));
      const roundTrip = new FakeRoundTrip({ values: [], counters: [counted(1)], lease: taken.lease }, true);
      const batch = new CallerBatch(roundTrip, () => NEEDS);
      await batch.read(TAG, []);
      await expect(batch.giveBackUnclaimed()).resolves.toBeUndefined();
    });
  });

  it('is found by its request', () => {
    const request = {};
    const batch = new CallerBatch(new FakeRoundTrip({ values: [], counters: [] }), () => NEEDS);
    expect(callerBatchOf(request)).toBeUndefined();
    attachCallerBatch(request, batch);
    expect(callerBatchOf(request)).toBe(batch);
  });
});
