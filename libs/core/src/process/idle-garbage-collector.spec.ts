import { collectGarbageWhenIdle, type IdleCollectionOptions } from './idle-garbage-collector';

const MB = 1024 * 1024;
const OPTIONS: IdleCollectionOptions = {
  firstQuietMs: 2_000,
  quietMs: 30_000,
  growthBytes: 16 * MB,
  checkEveryMs: 1_000,
};

describe('collectGarbageWhenIdle', () => {
  let clock: number;
  let heapUsed: number;
  let gc: jest.Mock;
  const activity = { started: 0, size: 0 };

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    heapUsed = 100 * MB;
    activity.started = 0;
    activity.size = 0;
    // A full collection leaves the live heap: 45 MB.
    gc = jest.fn(() => (heapUsed = 45 * MB));
  });
  afterEach(() => jest.useRealTimers());

  const start = () =>
    collectGarbageWhenIdle(activity, OPTIONS, { gc, heapUsedBytes: () => heapUsed, now: () => clock })!;
  const pass = (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 1_000) {
      clock += 1_000;
      jest.advanceTimersByTime(1_000);
    }
  };

  it("collects start-up's garbage at the first quiet moment, once", () => {
    const collector = start();
    pass(1_000);
    expect(gc).not.toHaveBeenCalled();
    pass(1_000);
    expect(gc).toHaveBeenCalledTimes(1);
    pass(60_000);
    expect(collector.collections).toBe(1);
    collector.stop();
  });

  it('never collects while requests keep starting or one is in flight', () => {
    const collector = start();
    for (let second = 0; second < 30; second += 1) {
      activity.started += 1;
      heapUsed += 4 * MB;
      pass(1_000);
    }
    activity.size = 1;
    pass(10_000);
    expect(gc).not.toHaveBeenCalled();
    activity.size = 0;
    pass(3_000);
    expect(gc).toHaveBeenCalledTimes(1);
    collector.stop();
  });

  it('does not collect in the gaps between bursts, only once the load has been over for quietMs', () => {
    const collector = start();
    pass(3_000);
    expect(gc).toHaveBeenCalledTimes(1);
    // Bursts of 3 s with 10 s gaps, each growing the heap well past the threshold: a forced
    // compaction in every gap would make each next burst pay for it.
    for (let burst = 0; burst < 5; burst += 1) {
      for (let second = 0; second < 3; second += 1) {
        activity.started += 100;
        heapUsed += 10 * MB;
        pass(1_000);
      }
      pass(10_000);
    }
    expect(gc).toHaveBeenCalledTimes(1);
    pass(19_000);
    expect(gc).toHaveBeenCalledTimes(1);
    pass(2_000);
    expect(gc).toHaveBeenCalledTimes(2);
    collector.stop();
  });

  it('collects again after a later burst only if the heap grew by the threshold', () => {
    const collector = start();
    pass(3_000);
    expect(gc).toHaveBeenCalledTimes(1);
    // A small burst: 10 MB of growth, then quiet. Not worth a pause.
    activity.started += 50;
    heapUsed += 10 * MB;
    pass(35_000);
    expect(gc).toHaveBeenCalledTimes(1);
    // More: 20 MB over the last collection's 45 MB, then quiet.
    activity.started += 50;
    heapUsed += 10 * MB;
    pass(35_000);
    expect(gc).toHaveBeenCalledTimes(2);
    collector.stop();
  });

  it('stops looking once stopped', () => {
    start().stop();
    pass(10_000);
    expect(gc).not.toHaveBeenCalled();
  });

  it("uses node's gc twice over: the second collection compacts what the first left half empty", () => {
    const holder = globalThis as { gc?: unknown };
    const exposed = holder.gc;
    const nodeGc = jest.fn();
    holder.gc = nodeGc;
    try {
      const collector = collectGarbageWhenIdle(activity, OPTIONS, { heapUsedBytes: () => heapUsed, now: () => clock })!;
      pass(2_000);
      expect(nodeGc).toHaveBeenCalledTimes(2);
      collector.stop();
    } finally {
      if (exposed) holder.gc = exposed;
      else delete holder.gc;
    }
  });

  it('starts nothing without node --expose-gc (a development start)', () => {
    const holder = globalThis as { gc?: unknown };
    const exposed = holder.gc;
    delete holder.gc;
    try {
      expect(collectGarbageWhenIdle(activity)).toBeUndefined();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      if (exposed) holder.gc = exposed;
    }
  });
});
