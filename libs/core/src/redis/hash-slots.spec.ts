import { randomUUID } from 'node:crypto';
import { slotCheckingRedis } from '../testing/slot-checking-redis';
import { hashTag, slotSource } from './hash-tag';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCache } from './redis-cache';
import { RedisCallerRoundTrip } from './redis-caller-round-trip';
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
  // Two reads missing, two counters at 1, the lease taken with fencing token 7.
  flowgateCallerRoundTrip: () => [[null, null], [1, 60_000, 1, 60_000], 7],
  flowgateCallerGiveBack: () => 0,
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

/** One caller's keys as the features build them (auth, users, traffic): all under the caller's tag. */
function callerKeys(tag: string) {
  return {
    reads: [`principal-generation:${tag}`, `principal:${tag}`],
    counters: [`rate-limit:principal:${tag}`, `rate-limit:sensitive:${tag}`].map((key) => ({
      key,
      ttlMs: 60_000,
      limit: 600,
    })),
    lease: { name: `idempotency:${tag}:${randomUUID()}`, ttlMs: 5_000 },
  };
}

describe('Redis Cluster slot of the caller round trip (ADR 28)', () => {
  const tag = hashTag('Xq3-caller_hash');

  it('reads, counts and leases in one script on one slot; the lease releases and extends there too', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const roundTrip = new RedisCallerRoundTrip(redis.commands);

    const reply = await roundTrip.send({ tag, ...callerKeys(tag) });
    const lease = reply.lease as Exclude<typeof reply.lease, string | undefined>;
    await lease.extend(5_000);
    await lease.release();
    await roundTrip.giveBack(tag, [`rate-limit:principal:${tag}`]);

    expect(redis.sent.map((command) => [command.name, command.keys.length])).toEqual([
      ['flowgateCallerRoundTrip', 6],
      ['eval', 1],
      ['eval', 1],
      ['flowgateCallerGiveBack', 1],
    ]);
    expect(new Set(redis.sent.flatMap((command) => command.slots)).size).toBe(1);
    expect(reply.counters).toEqual([
      { value: 1, ttlMs: 60_000 },
      { value: 1, ttlMs: 60_000 },
    ]);
  });

  it('refuses, before sending, a key outside the caller’s tag: what the cluster would refuse', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const roundTrip = new RedisCallerRoundTrip(redis.commands);
    const keys = callerKeys(tag);

    await expect(roundTrip.send({ tag, ...keys, reads: [...keys.reads, 'session:h1'] })).rejects.toThrow('session:h1');
    await expect(
      roundTrip.send({ tag, ...keys, lease: { name: 'idempotency:untagged', ttlMs: 5_000 } }),
    ).rejects.toThrow('outside');
    await expect(roundTrip.giveBack(tag, ['rate-limit:principal:{someone-else}'])).rejects.toThrow('outside');
    await expect(roundTrip.send({ tag: 'no-tag', reads: [], counters: [] })).rejects.toThrow('Not a hash tag');
    expect(redis.sent).toEqual([]);
  });

  it('spreads different callers over the cluster rather than one hot slot', async () => {
    const redis = slotCheckingRedis(PREFIX, replies);
    const roundTrip = new RedisCallerRoundTrip(redis.commands);
    for (let i = 0; i < 100; i += 1)
      await roundTrip.send({ tag: hashTag(`caller-${i}`), ...callerKeys(hashTag(`caller-${i}`)) });
    expect(new Set(redis.sent.map((command) => command.slots[0])).size).toBeGreaterThan(90);
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
