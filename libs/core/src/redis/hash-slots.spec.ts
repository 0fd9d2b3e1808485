import { randomUUID } from 'node:crypto';
import { slotCheckingRedis } from '../testing/slot-checking-redis';
import { hashTag, slotSource } from './hash-tag';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCache } from './redis-cache';
import { RedisDistributedLock } from './redis-distributed-lock';

/**
 * Every Redis-backed operation, sent to a stand-in that places each command's keys in Redis
 * Cluster slots and refuses a multi-key command spanning slots, as a cluster does (ADR 21). A
 * multi-key script or command added without a shared hash tag fails here, without a cluster.
 */
const PREFIX = 'flowgate-test:abc:';

/** The names locks are taken under: job names, idempotency keys, and awkward ones with braces. */
const LOCK_NAMES = ['timers', `idempotency:${randomUUID()}:POST /v1/workflows`, 'a}b', '{x}', '}{', 'é ü'];

const replies = {
  eval: () => 1,
  flowgateCounterIncrement: () => [1, 1_000],
  mget: (args: unknown[]) => args.flat().map((key) => JSON.stringify(key)),
};

describe('Redis Cluster slots of every multi-key call', () => {
  it.each(LOCK_NAMES)('a lock (%j) and its fence counter share a slot: acquire, extend, release', async (name) => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const lease = await new RedisDistributedLock(redis.commands).tryAcquire(name, 10_000);
    await lease!.extend(10_000);
    await lease!.release();

    const [acquire, ...rest] = redis.sent;
    expect(acquire.keys).toHaveLength(2);
    expect(new Set(redis.sent.flatMap((command) => command.slots)).size).toBe(1);
    expect(rest.map((command) => command.name)).toEqual(['eval', 'eval']);
  });

  it('spreads different locks over the cluster rather than one hot slot', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const lock = new RedisDistributedLock(redis.commands);
    for (let i = 0; i < 100; i += 1) await lock.tryAcquire(`job-${i}`, 10_000);
    expect(new Set(redis.sent.map((command) => command.slots[0])).size).toBeGreaterThan(90);
  });

  it('refuses an empty lock name, whose `{}` would be no hash tag at all', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    await expect(new RedisDistributedLock(redis.commands).tryAcquire('', 10_000)).rejects.toThrow('non-empty');
    expect(redis.sent).toEqual([]);
  });

  it('counters are single-key commands and scripts', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const counters = new RedisAtomicCounters(redis.commands);
    await counters.increment('rate:principal:u1', 1, 60_000);
    await counters.get('rate:principal:u1');
    await counters.take('rate:principal:u1');
    await counters.reset('rate:principal:u1');
    expect(redis.sent.map((command) => [command.name, command.keys.length])).toEqual([
      ['flowgateCounterIncrement', 1],
      ['get', 1],
      ['getdel', 1],
      ['del', 1],
    ]);
  });

  it('cache reads of several keys: one MGET per hash tag, each key alone without one, answers in order', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const tagged = ['principal:{u1}', 'principal-generation:{u1}'];
    const untagged = ['session:h1', 'session:h2', 'session:h3'];
    const keys = [untagged[0], tagged[0], untagged[1], tagged[1], untagged[2]];

    const values = await new RedisCache(redis.commands).getMany(keys);

    expect(values).toEqual(keys.map((key) => `cache:${key}`));
    expect(redis.sent.map((command) => command.keys.length).sort()).toEqual([1, 1, 1, 2]);
  });
});

describe('hash tags', () => {
  it.each([
    ['lock:{job}:fence', 'job'],
    ['lock:{a}b}', 'a'],
    ['lock:{}x', 'lock:{}x'],
    ['no-tag', 'no-tag'],
    ['open{only', 'open{only'],
    ['{{x}}', '{x'],
  ])('Redis hashes %j by %j', (key, source) => {
    expect(slotSource(key)).toBe(source);
  });

  it('wraps an id, refusing the empty one', () => {
    expect(hashTag('u1')).toBe('{u1}');
    expect(() => hashTag('')).toThrow();
  });
});
