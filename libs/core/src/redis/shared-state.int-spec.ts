import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { loadConfig } from '../config/load-config';
import { AtomicCounters } from './atomic-counters';
import { Cache } from './cache';
import { CallerRoundTrip } from './caller-round-trip';
import { DistributedLock, LockLease } from './distributed-lock';
import { hashTag } from './hash-tag';
import { MemoryAtomicCounters } from './memory-atomic-counters';
import { MemoryCache } from './memory-cache';
import { MemoryCallerRoundTrip } from './memory-caller-round-trip';
import { MemoryDistributedLock } from './memory-distributed-lock';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCache } from './redis-cache';
import { RedisCallerRoundTrip } from './redis-caller-round-trip';
import { createRedisClient, type RedisClient } from './redis-client';
import type { RedisCommands } from './redis-commands';
import { RedisDistributedLock } from './redis-distributed-lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Implementations {
  cache: Cache;
  lock: DistributedLock;
  /** A lock whose fence counters are kept 50 ms past the clock instead of ten minutes. */
  shortFenceLock: DistributedLock;
  counters: AtomicCounters;
  /** On the same cache, counters and lock as the three above. */
  roundTrip: CallerRoundTrip;
}

let redis: RedisClient;
let keyPrefix: string;
/** Straight to the client: the circuit breaker has specs of its own. */
const commands: RedisCommands = { run: (command) => command(redis) };

beforeAll(async () => {
  const config = loadConfig().redis;
  keyPrefix = `${config.keyPrefix}shared-state-${randomUUID()}:`;
  // One server or a cluster, as the run provides (the cluster tier: scripts/test-run.mjs).
  redis = createRedisClient(config, keyPrefix)!;
  // No offline queue: commands wait for nothing, so the client must be ready first.
  await new Promise((resolve) => redis.once('ready', resolve));
});

afterAll(() => redis.quit());

/** The same contract, run against the real Redis and against the single-instance stand-ins. */
describe.each([
  [
    'Redis',
    (): Implementations => ({
      cache: new RedisCache(commands),
      lock: new RedisDistributedLock(commands),
      shortFenceLock: new RedisDistributedLock(commands, 50),
      counters: new RedisAtomicCounters(commands),
      roundTrip: new RedisCallerRoundTrip(commands),
    }),
  ],
  [
    'in-process',
    (): Implementations => {
      const [cache, lock, counters] = [new MemoryCache(), new MemoryDistributedLock(), new MemoryAtomicCounters()];
      return {
        cache,
        lock,
        shortFenceLock: new MemoryDistributedLock(50),
        counters,
        roundTrip: new MemoryCallerRoundTrip(cache, counters, lock),
      };
    },
  ],
])('%s implementations', (_name, make) => {
  let impl: Implementations;
  let key: string;

  beforeEach(() => {
    impl = make();
    key = randomUUID();
  });

  describe('Cache', () => {
    it('stores JSON values until their TTL expires', async () => {
      await impl.cache.set(key, { a: 1, list: ['x'] }, 150);
      expect(await impl.cache.get(key)).toEqual({ a: 1, list: ['x'] });
      await sleep(250);
      expect(await impl.cache.get(key)).toBeUndefined();
    });

    it('deletes', async () => {
      await impl.cache.set(key, 'v', 10_000);
      await impl.cache.delete(key);
      expect(await impl.cache.get(key)).toBeUndefined();
    });

    it('reads several values in one call, in order, missing ones as undefined', async () => {
      await impl.cache.set(`${key}:a`, { a: 1 }, 10_000);
      await impl.cache.set(`${key}:c`, 'c', 10_000);
      expect(await impl.cache.getMany([`${key}:a`, `${key}:b`, `${key}:c`])).toEqual([{ a: 1 }, undefined, 'c']);
      expect(await impl.cache.getMany([])).toEqual([]);
    });

    it('returns a copy: mutating a value read does not change the cache', async () => {
      await impl.cache.set(key, { n: 1 }, 10_000);
      const first = await impl.cache.get<{ n: number }>(key);
      first!.n = 2;
      expect(await impl.cache.get(key)).toEqual({ n: 1 });
    });
  });

  describe('DistributedLock', () => {
    it('is exclusive while held and free after release', async () => {
      const lease = await impl.lock.tryAcquire(key, 10_000);
      expect(lease).toBeDefined();
      expect(await impl.lock.tryAcquire(key, 10_000)).toBeUndefined();
      expect(await lease!.release()).toBe(true);
      expect(await impl.lock.tryAcquire(key, 10_000)).toBeDefined();
    });

    it('lets exactly one of many concurrent contenders win', async () => {
      const leases = await Promise.all(Array.from({ length: 20 }, () => impl.lock.tryAcquire(key, 10_000)));
      expect(leases.filter(Boolean)).toHaveLength(1);
    });

    it('expires, and a stale holder can neither release nor extend the new holder’s lock', async () => {
      const stale = await impl.lock.tryAcquire(key, 100);
      await sleep(200);
      const current = await impl.lock.tryAcquire(key, 10_000);
      expect(current).toBeDefined();
      expect(await stale!.release()).toBe(false);
      expect(await stale!.extend(10_000)).toBe(false);
      expect(await impl.lock.tryAcquire(key, 10_000)).toBeUndefined();
    });

    it('issues strictly increasing fencing tokens', async () => {
      const first = await impl.lock.tryAcquire(key, 10_000);
      await first!.release();
      const second = await impl.lock.tryAcquire(key, 10_000);
      expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
    });

    it('keeps issuing larger fencing tokens after the fence counter expired', async () => {
      const tokens: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const lease = await impl.shortFenceLock.tryAcquire(key, 10_000);
        tokens.push(lease!.fencingToken);
        await lease!.release();
      }
      await sleep(150);
      tokens.push((await impl.shortFenceLock.tryAcquire(key, 10_000))!.fencingToken);
      for (let i = 1; i < tokens.length; i += 1) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]);
    });

    it('extends a lease that is still held', async () => {
      const lease = await impl.lock.tryAcquire(key, 150);
      expect(await lease!.extend(10_000)).toBe(true);
      await sleep(250);
      expect(await impl.lock.tryAcquire(key, 10_000)).toBeUndefined();
    });
  });

  describe('AtomicCounters', () => {
    it('loses no update under concurrent increments', async () => {
      await Promise.all(Array.from({ length: 50 }, () => impl.counters.increment(key, 1, 10_000)));
      expect(await impl.counters.get(key)).toBe(50);
    });

    it('starts the window at the first increment and restarts from zero after it', async () => {
      const first = await impl.counters.increment(key, 2, 200);
      expect(first.value).toBe(2);
      expect(first.ttlMs).toBeGreaterThan(100);
      const second = await impl.counters.increment(key, 3, 10_000);
      expect(second.value).toBe(5);
      expect(second.ttlMs).toBeLessThanOrEqual(200); // the window is not extended
      await sleep(300);
      expect(await impl.counters.get(key)).toBe(0);
      expect((await impl.counters.increment(key, 1, 200)).value).toBe(1);
    });

    it('resets', async () => {
      await impl.counters.increment(key, 5, 10_000);
      await impl.counters.reset(key);
      expect(await impl.counters.get(key)).toBe(0);
    });

    it('hands a counter to exactly one of several concurrent takers', async () => {
      await impl.counters.increment(key, 7, 10_000);
      const taken = await Promise.all(Array.from({ length: 10 }, () => impl.counters.take(key)));
      expect(taken.sort((a, b) => b - a)).toEqual([7, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect((await impl.counters.increment(key, 1, 10_000)).value).toBe(1);
    });
  });

  describe('CallerRoundTrip (ADR 28)', () => {
    let tag: string;
    const window = { ttlMs: 10_000, limit: 2 };
    beforeEach(() => (tag = hashTag(key)));
    const lease = (name: string) => ({ name: `idempotency:${tag}:${name}`, ttlMs: 10_000 });

    it('reads the cache, counts on the counters and leases on the lock: the keys they use on their own', async () => {
      await impl.cache.set(`principal:${tag}`, { userId: 'u' }, 10_000);
      await impl.counters.increment(`rate:${tag}`, 1, 10_000);

      const reply = await impl.roundTrip.send({
        tag,
        reads: [`generation:${tag}`, `principal:${tag}`],
        counters: [{ key: `rate:${tag}`, ...window }],
        lease: lease('a'),
      });

      expect(reply.values).toEqual([undefined, { userId: 'u' }]);
      expect(reply.counters).toEqual([{ value: 2, ttlMs: expect.any(Number) }]);
      expect(reply.counters[0].ttlMs).toBeGreaterThan(9_000);
      expect(await impl.counters.get(`rate:${tag}`)).toBe(2);
      expect(await impl.lock.tryAcquire(lease('a').name, 10_000)).toBeUndefined();
      expect(await (reply.lease as LockLease).release()).toBe(true);
      expect(await impl.lock.tryAcquire(lease('a').name, 10_000)).toBeDefined();
    });

    it('starts a counter’s window at its first increment, as the counters do', async () => {
      const first = await impl.roundTrip.send({
        tag,
        reads: [],
        counters: [{ key: `rate:${tag}`, ttlMs: 200, limit: 9 }],
      });
      expect(first.counters[0].value).toBe(1);
      await sleep(300);
      expect(await impl.counters.get(`rate:${tag}`)).toBe(0);
    });

    it('stops at the first counter past its limit and then takes no lease', async () => {
      const call = {
        tag,
        reads: [],
        counters: [
          { key: `first:${tag}`, ...window },
          { key: `second:${tag}`, ...window },
        ],
        lease: lease('b'),
      };
      await impl.counters.increment(`first:${tag}`, 2, 10_000);

      const reply = await impl.roundTrip.send(call);

      expect(reply.counters.map((counter) => counter.value)).toEqual([3]);
      expect(reply.lease).toBe('not-taken');
      expect(await impl.counters.get(`second:${tag}`)).toBe(0);
      expect(await impl.lock.tryAcquire(lease('b').name, 10_000)).toBeDefined();
    });

    it('answers `held` when someone else holds the lease, and still counts', async () => {
      await impl.lock.tryAcquire(lease('c').name, 10_000);
      const reply = await impl.roundTrip.send({
        tag,
        reads: [],
        counters: [{ key: `rate:${tag}`, ...window }],
        lease: lease('c'),
      });
      expect(reply.lease).toBe('held');
      expect(reply.counters.map((counter) => counter.value)).toEqual([1]);
    });

    it('lets exactly one of many concurrent calls take the lease', async () => {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => impl.roundTrip.send({ tag, reads: [], counters: [], lease: lease('d') })),
      );
      expect(replies.filter((reply) => typeof reply.lease === 'object')).toHaveLength(1);
    });

    it('gives back one increment; a counter back at zero is gone, so its window starts afresh', async () => {
      await impl.counters.increment(`kept:${tag}`, 2, 10_000);
      await impl.counters.increment(`gone:${tag}`, 1, 10_000);
      await impl.roundTrip.giveBack(tag, [`kept:${tag}`, `gone:${tag}`, `never:${tag}`]);
      expect(await impl.counters.get(`kept:${tag}`)).toBe(1);
      expect(await impl.counters.get(`gone:${tag}`)).toBe(0);
      expect(await impl.counters.get(`never:${tag}`)).toBe(0);
      const restarted = await impl.counters.increment(`gone:${tag}`, 1, 200);
      expect(restarted).toEqual({ value: 1, ttlMs: expect.any(Number) });
      expect(restarted.ttlMs).toBeLessThanOrEqual(200);
    });

    it('refuses keys outside the caller’s tag, as a cluster would', async () => {
      await expect(impl.roundTrip.send({ tag, reads: [`principal:${key}`], counters: [] })).rejects.toThrow('outside');
      await expect(impl.roundTrip.giveBack(tag, [`rate:${hashTag('other')}`])).rejects.toThrow('outside');
    });
  });
});

describe('Redis keys', () => {
  it('are all left with an expiry: locks, fence counters, cache entries and counters', async () => {
    const lock = new RedisDistributedLock(commands);
    for (let i = 0; i < 20; i += 1) {
      const lease = await lock.tryAcquire(`expiry-${i}`, 10_000);
      await lease!.release();
    }
    await lock.tryAcquire('expiry-held', 10_000);
    await new RedisCache(commands).set('expiry', { a: 1 }, 10_000);
    await new RedisAtomicCounters(commands).increment('expiry', 1, 10_000);
    const tag = hashTag('expiry');
    await new RedisCallerRoundTrip(commands).send({
      tag,
      reads: [`principal:${tag}`],
      counters: [{ key: `rate:${tag}`, ttlMs: 10_000, limit: 5 }],
      lease: { name: `idempotency:${tag}:x`, ttlMs: 10_000 },
    });

    // KEYS answers for one node's keys: on a cluster, ask every primary.
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    const keys = (await Promise.all(nodes.map((node) => node.keys(`${keyPrefix}*`)))).flat();
    expect(keys.length).toBeGreaterThanOrEqual(26);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key.slice(keyPrefix.length))));
    expect(keys.filter((_key, index) => ttls[index] < 0)).toEqual([]);
  });
});
