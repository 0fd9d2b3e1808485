import { randomUUID } from 'node:crypto';
import type { CounterValue } from './atomic-counters';
import { assertOneSlot, CallerCall, CallerReply, CallerRoundTrip } from './caller-round-trip';
import { FENCE_KEEP_MS } from './distributed-lock';
import { COUNTER_PREFIX } from './redis-atomic-counters';
import { CACHE_PREFIX } from './redis-cache';
import type { RedisClient } from './redis-client';
import type { RedisCommands } from './redis-commands';
import type { RedisScript } from './redis-scripts';
import { ACQUIRE_FUNCTION, lockKeyOf, redisLease } from './redis-distributed-lock';

// KEYS: the reads, the counters, then the lease's key and fence counter when one is asked for.
// ARGV: #reads, #counters, 1 when a lease is asked for, each counter's window and limit, then the
// lease's token, time to live and fence margin. Counters are incremented in order, as the
// counters' own script does, and the first past its limit is the last: a request refused by one
// budget draws on no later one. The lease is taken only when every counter is within its limit,
// so a request about to be refused leaves no lease behind.
const SEND = `${ACQUIRE_FUNCTION}
local reads, counters = tonumber(ARGV[1]), tonumber(ARGV[2])
local values = {}
if reads > 0 then values = redis.call('MGET', unpack(KEYS, 1, reads)) end
local counted = {}
local within = true
for i = 1, counters do
  local key, window = KEYS[reads + i], ARGV[2 + 2 * i]
  local value = redis.call('INCRBY', key, 1)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = tonumber(window)
  end
  counted[2 * i - 1] = value
  counted[2 * i] = ttl
  if value > tonumber(ARGV[3 + 2 * i]) then
    within = false
    break
  end
end
local lease = -1
if ARGV[3] == '1' and within then
  local at = 3 + 2 * counters
  lease = acquire(KEYS[reads + counters + 1], KEYS[reads + counters + 2], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3])
end
return {values, counted, lease}`;

// One increment given back per key; a counter back at zero goes, so its window starts afresh.
const GIVE_BACK = `
for i = 1, #KEYS do
  if redis.call('DECRBY', KEYS[i], 1) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 0`;

const SEND_COMMAND = 'flowgateCallerRoundTrip';
const GIVE_BACK_COMMAND = 'flowgateCallerGiveBack';

/** Defined on every client as it is created (`defineScripts`). Variable key counts: no `numberOfKeys`. */
export const CALLER_ROUND_TRIP_SCRIPTS: readonly RedisScript[] = [
  { name: SEND_COMMAND, lua: SEND },
  { name: GIVE_BACK_COMMAND, lua: GIVE_BACK },
];

type Raw = [(string | null)[], number[], number];

interface WithScripts {
  [SEND_COMMAND](keyCount: number, ...keysThenArgs: (string | number)[]): Promise<Raw>;
  [GIVE_BACK_COMMAND](keyCount: number, ...keys: string[]): Promise<number>;
}

/** `CallerRoundTrip` as one Lua script (ADR 28): one EVALSHA, on the one node serving the caller's slot. */
export class RedisCallerRoundTrip extends CallerRoundTrip {
  constructor(
    private readonly redis: RedisCommands,
    private readonly fenceKeepMs = FENCE_KEEP_MS,
  ) {
    super();
  }

  async send(call: CallerCall): Promise<CallerReply> {
    const { tag, reads, counters, lease } = call;
    const lockKey = lease && lockKeyOf(lease.name);
    assertOneSlot(tag, [...reads, ...counters.map((counter) => counter.key), ...(lockKey ? [lockKey] : [])]);
    const token = randomUUID();
    const keys = [
      ...reads.map((key) => CACHE_PREFIX + key),
      ...counters.map((counter) => COUNTER_PREFIX + counter.key),
      ...(lockKey ? [lockKey, `${lockKey}:fence`] : []),
    ];
    const args = [
      reads.length,
      counters.length,
      lease ? 1 : 0,
      ...counters.flatMap((counter) => [counter.ttlMs, counter.limit]),
      ...(lease ? [token, lease.ttlMs, this.fenceKeepMs] : []),
    ];
    const [values, counted, fencingToken] = await this.redis.run((client) =>
      withScripts(client)[SEND_COMMAND](keys.length, ...keys, ...args),
    );
    const pairs: CounterValue[] = [];
    for (let i = 0; i < counted.length; i += 2)
      pairs.push({ value: Number(counted[i]), ttlMs: Number(counted[i + 1]) });
    return {
      values: values.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as unknown))),
      counters: pairs,
      ...(lease && lockKey
        ? {
            lease: leaseOutcome(Number(fencingToken), () =>
              redisLease(this.redis, lease.name, lockKey, token, Number(fencingToken)),
            ),
          }
        : {}),
    };
  }

  async giveBack(tag: string, counterKeys: readonly string[]): Promise<void> {
    if (counterKeys.length === 0) return;
    assertOneSlot(tag, counterKeys);
    const keys = counterKeys.map((key) => COUNTER_PREFIX + key);
    await this.redis.run((client) => withScripts(client)[GIVE_BACK_COMMAND](keys.length, ...keys));
  }
}

function leaseOutcome<T>(fencingToken: number, lease: () => T): T | 'held' | 'not-taken' {
  if (fencingToken < 0) return 'not-taken';
  return fencingToken === 0 ? 'held' : lease();
}

/** The client with this file's scripts, which `createRedisClient` defined (`defineScripts`). */
function withScripts(client: RedisClient): WithScripts {
  return client as unknown as WithScripts;
}
