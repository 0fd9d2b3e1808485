import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load-config';
import { hashTag } from './hash-tag';
import { RedisAtomicCounters } from './redis-atomic-counters';
import { RedisCallerRoundTrip } from './redis-caller-round-trip';
import { createRedisClient, type RedisClient } from './redis-client';
import type { RedisCommands } from './redis-commands';

/**
 * A fresh client's first script command, issued in the same tick as another command, joins the
 * auto-pipeline that command opened. Scripts defined on first use (as they once were) were missing
 * from that pipeline: the script call failed, and the pipeline's replies no longer matched its
 * callbacks (redis/ioredis#1931), which crashed the process or left callers waiting.
 */
describe('createRedisClient: scripts on a fresh client', () => {
  let redis: RedisClient;
  const commands: RedisCommands = { run: (command) => command(redis) };

  beforeEach(async () => {
    const config = loadConfig().redis;
    redis = createRedisClient(config, `${config.keyPrefix}redis-client-${randomUUID()}:`)!;
    await new Promise((resolve) => redis.once('ready', resolve));
  });

  afterEach(() => redis.quit());

  it('runs a counter script sent in the same tick as a plain command', async () => {
    const tag = hashTag(randomUUID());
    const [plain, counted] = await Promise.all([
      redis.get(`${tag}:plain`),
      new RedisAtomicCounters(commands).increment(`${tag}:counter`, 2, 60_000),
    ]);
    expect(plain).toBeNull();
    expect(counted.value).toBe(2);
  });

  it('runs the caller round trip sent in the same tick as plain commands', async () => {
    const tag = hashTag(randomUUID());
    const roundTrip = new RedisCallerRoundTrip(commands);
    const call = { tag, reads: [], counters: [{ key: `${tag}:budget`, limit: 5, ttlMs: 60_000 }] };
    const [, reply, plain] = await Promise.all([
      redis.set(`${tag}:plain`, 'x'),
      roundTrip.send(call),
      redis.get(`${tag}:plain`),
    ]);
    expect(plain).toBe('x');
    expect(reply.counters).toEqual([{ value: 1, ttlMs: expect.any(Number) }]);
  });
});
