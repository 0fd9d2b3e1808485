import { getHeapStatistics } from 'node:v8';

/** What the collector watches to tell a quiet process from a busy one (`InFlightRequests`). */
export interface RequestActivity {
  /** Requests started since the process began; any change means the process was not quiet. */
  readonly started: number;
  /** Requests in flight now. */
  readonly size: number;
}

export interface IdleCollectionOptions {
  /**
   * How long no request may have started, and none be in flight, before the first collection:
   * start-up's garbage, which nothing else will need the pause for.
   */
  readonly firstQuietMs: number;
  /**
   * How long the process must be quiet before any later collection. Long on purpose: a forced
   * compaction leaves V8's old-generation limit at the live heap's size, so the next burst pays for
   * it in extra full collections (docs/performance.md, "The idle collection between bursts"). A gap
   * between bursts is not the end of the load; a long quiet spell is.
   */
  readonly quietMs: number;
  /** How much the used heap must have grown since the last collection for another to be worth it. */
  readonly growthBytes: number;
  /** How often the process looks (a timer that never keeps it alive). */
  readonly checkEveryMs: number;
}

export const IDLE_COLLECTION_DEFAULTS: IdleCollectionOptions = {
  firstQuietMs: 2_000,
  quietMs: 30_000,
  growthBytes: 16 * 1024 * 1024,
  checkEveryMs: 1_000,
};

export interface IdleCollectorHooks {
  /** `gc` as `node --expose-gc` provides it; without it nothing is started. */
  readonly gc?: () => void;
  readonly heapUsedBytes?: () => number;
  readonly now?: () => number;
}

/**
 * Two full collections: the first frees the dead objects, the second compacts the pages the first
 * left half empty (V8 picks fragmented pages to evacuate from what the previous collection found)
 * and hands them back. One left most of an idle process's old-generation pages resident.
 */
function fullCollections(gc: () => void): void {
  gc();
  gc();
}

export interface IdleCollector {
  /** Full collections run so far. */
  readonly collections: number;
  stop(): void;
}

/**
 * One full garbage collection when the API has been quiet for a while, if the heap grew enough
 * since the last: soon after start-up, later only after a long quiet spell.
 *
 * Why: V8 collects the old generation when it fills, not when the process has nothing to do, so a
 * replica that served a burst (or just started: the module scan, the OpenAPI document and the
 * migrations leave about 60 MB of dead objects) keeps that garbage resident until the next load,
 * and request garbage promoted out of the young generation stays there. V8's own memory reducer
 * gets to it, but about a minute later (docs/performance.md, "Memory"). A quiet process can afford the pause (tens of milliseconds at
 * these heap sizes) that a busy one cannot: this is what a browser's idle-time collection does.
 *
 * Bounded: at most one collection per quiet period, and only after `growthBytes` of growth, so
 * steady load, a trickle of requests and bursts with gaps shorter than `quietMs` cost none.
 * Needs `node --expose-gc` (the shipped commands pass it); without it this returns undefined and
 * starts no timer, so a development start behaves as before.
 */
export function collectGarbageWhenIdle(
  activity: RequestActivity,
  options: IdleCollectionOptions = IDLE_COLLECTION_DEFAULTS,
  hooks: IdleCollectorHooks = {},
): IdleCollector | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  const gc = hooks.gc ?? (typeof exposed === 'function' ? () => fullCollections(exposed) : undefined);
  if (!gc) return undefined;
  const heapUsedBytes = hooks.heapUsedBytes ?? (() => getHeapStatistics().used_heap_size);
  const now = hooks.now ?? Date.now;

  let lastStarted = activity.started;
  let quietSince = now();
  // Zero: start-up's garbage counts as growth, so the first quiet moment after `listen` collects it.
  let usedAfterLastCollection = 0;
  let collections = 0;

  const timer = setInterval(() => {
    if (activity.started !== lastStarted || activity.size > 0) {
      lastStarted = activity.started;
      quietSince = now();
      return;
    }
    const quietMs = collections === 0 ? options.firstQuietMs : options.quietMs;
    if (now() - quietSince < quietMs) return;
    if (heapUsedBytes() - usedAfterLastCollection < options.growthBytes) return;
    gc();
    collections += 1;
    usedAfterLastCollection = heapUsedBytes();
  }, options.checkEveryMs);
  timer.unref();

  return {
    get collections() {
      return collections;
    },
    stop: () => clearInterval(timer),
  };
}
