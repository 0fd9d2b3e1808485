import calculateSlot from 'cluster-key-slot';
import type { RedisCommands } from '../redis/redis-commands';
import { defineScripts } from '../redis/redis-scripts';

/** One command as a Redis Cluster would place it: its keys (prefix included) and their slots. */
export interface SentCommand {
  readonly name: string;
  readonly keys: readonly string[];
  readonly slots: readonly number[];
}

type Reply = (args: unknown[]) => unknown;

/** Commands whose every argument is a key (MGET takes them as one array, too). */
const ALL_KEYS = new Set(['mget', 'del', 'exists', 'unlink']);
/** Commands that take no key. */
const NO_KEY = new Set(['ping', 'time']);

/**
 * A Redis client stand-in that places every command as Redis Cluster would, from the keys the
 * code builds plus `keyPrefix` (what ioredis prepends), and refuses, as the cluster does
 * (CROSSSLOT), a multi-key command, script or custom command whose keys span slots. It answers
 * from `replies` by command name (null otherwise) and records what was sent, so a spec can walk
 * every Redis-backed operation and prove its keys are hash-tagged (ADR 21) without a cluster.
 */
export function slotCheckingRedis(
  keyPrefix: string,
  replies: Readonly<Record<string, Reply>> = {},
): { commands: RedisCommands; sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  /**
   * Custom commands (`defineCommand`) and how many of their arguments are keys; `undefined` when
   * the caller passes the count first, as ioredis then expects.
   */
  const defined = new Map<string, number | undefined>();

  const send = (name: string, args: unknown[]): Promise<unknown> => {
    const keys = keysOf(name, args, defined.has(name), defined.get(name)).map((key) => keyPrefix + key);
    const slots = keys.map((key) => calculateSlot(key));
    sent.push({ name, keys, slots });
    if (new Set(slots).size > 1) {
      return Promise.reject(new Error(`CROSSSLOT Keys in request don't hash to the same slot: ${keys.join(' ')}`));
    }
    return Promise.resolve(replies[name]?.(args) ?? null);
  };

  const methods: Record<string | symbol, unknown> = {
    defineCommand: (name: string, definition: { numberOfKeys: number }) => defined.set(name, definition.numberOfKeys),
  };
  const client = new Proxy(methods, {
    has: (target, name) => name in target || defined.has(String(name)),
    get: (target, name) => target[name] ?? ((...args: unknown[]) => send(String(name), args)),
  });
  // As `createRedisClient` does with a real client.
  defineScripts(client as never);
  return { commands: { run: (command) => command(client as never) }, sent };
}

function keysOf(name: string, args: unknown[], isDefined: boolean, definedKeys: number | undefined): string[] {
  if (NO_KEY.has(name)) return [];
  if (ALL_KEYS.has(name)) return args.flat().map(String);
  if (name === 'eval' || name === 'evalsha') return args.slice(2, 2 + Number(args[1])).map(String);
  if (isDefined && definedKeys === undefined) return args.slice(1, 1 + Number(args[0])).map(String);
  return args.slice(0, definedKeys ?? 1).map(String);
}
