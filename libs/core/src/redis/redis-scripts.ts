import { CALLER_ROUND_TRIP_SCRIPTS } from './redis-caller-round-trip';
import { COUNTER_SCRIPTS } from './redis-atomic-counters';

/** A Lua script as an ioredis command: sent by hash (EVALSHA), the text only when Redis lacks it. */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
  /** How many of its arguments are keys; without it the caller passes the count first. */
  readonly numberOfKeys?: number;
}

/** What `defineScripts` needs of a client: ioredis' own, or a test stand-in's. */
interface DefinesCommands {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/**
 * Defines every script of this code base on a client, once, as it is created: before it can
 * have sent anything. Defined later (on first use, as it once was), a script command issued in
 * the same tick as another command joins the auto-pipeline that command opened, a pipeline made
 * before the script existed: ioredis throws `pipeline[functionName] is not a function` for it,
 * and the pipeline's replies no longer line up with its callbacks (`results[i] is not iterable`,
 * redis/ioredis#1931), so the other commands' callers wait forever or the process crashes.
 */
export function defineScripts(client: DefinesCommands): void {
  for (const { name, lua, numberOfKeys } of [...COUNTER_SCRIPTS, ...CALLER_ROUND_TRIP_SCRIPTS]) {
    client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  }
}
