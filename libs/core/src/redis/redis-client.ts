import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';
import { defineScripts } from './redis-scripts';

/** One Redis server's client, or a Redis Cluster's: the commands are the same (ADR 21). */
export type RedisClient = Redis | Cluster;

/**
 * The ioredis client the configuration names: a `Cluster` for `REDIS_CLUSTER_NODES`, a plain
 * client for `REDIS_URL`, none without either (in-process stand-ins). The key prefix is the
 * configured one unless a caller (a test keeping its keys apart) says otherwise.
 */
export function createRedisClient(config: RedisConfig, keyPrefix = config.keyPrefix): RedisClient | undefined {
  const { connectTimeoutMs, commandTimeoutMs } = config;
  const perConnection: RedisOptions = {
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    // Commands in flight when the connection dropped were abandoned (their callers fell back);
    // resending them on reconnection would apply them late, e.g. take a marker for no one.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
  };
  // While disconnected, a command fails at once instead of waiting in a queue for a reconnection.
  const enableOfflineQueue = false;
  const retry = (attempt: number) => Math.min(attempt * 200, 2_000);
  if (config.cluster) {
    const { nodes, username, password, tls } = config.cluster;
    return withScripts(
      new Cluster(
        nodes.map((node) => ({ ...node })),
        {
          keyPrefix,
          enableOfflineQueue,
          enableAutoPipelining: true,
          clusterRetryStrategy: retry,
          slotsRefreshTimeout: connectTimeoutMs,
          redisOptions: { ...perConnection, username, password, ...(tls ? { tls: {} } : {}) },
        },
      ),
    );
  }
  if (!config.url) return undefined;
  return withScripts(
    new Redis(config.url, {
      ...perConnection,
      keyPrefix,
      enableOfflineQueue,
      enableAutoPipelining: true,
      retryStrategy: retry,
    }),
  );
}

/** Scripts are defined before the client is handed out: see `defineScripts` for why. */
function withScripts<T extends RedisClient>(client: T): T {
  defineScripts(client);
  return client;
}

/** PING on one server; on a cluster, on every primary, since each serves a share of the keys. */
export async function pingEveryPrimary(client: RedisClient): Promise<void> {
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const primaries = client.nodes('master');
  if (primaries.length === 0) throw new Error('Redis Cluster: no primary known');
  await Promise.all(primaries.map((node) => node.ping()));
}
