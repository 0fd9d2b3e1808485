import { EnvReader, redactUrl } from './env-reader';

/** A Redis Cluster to connect to: some of its nodes (the client discovers the rest) and how to log in. */
export interface RedisClusterConfig {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
}

export interface RedisConfig {
  /** One Redis server (`REDIS_URL`). Absent when a cluster is configured, or in development. */
  readonly url: string | undefined;
  /** A Redis Cluster (`REDIS_CLUSTER_NODES`) instead of one server; ADR 21. */
  readonly cluster: RedisClusterConfig | undefined;
  /** Prepended to every key, so several environments can share one Redis safely. */
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
  /** How long one command may wait for Redis before it fails and opens the circuit breaker. */
  readonly commandTimeoutMs: number;
  /** While the breaker is open (Redis away), how often a PING checks whether Redis is back. */
  readonly breakerProbeIntervalMs: number;
}

/** Whether Redis is configured at all (one server or a cluster); without it, the in-process stand-ins serve. */
export function redisConfigured(config: RedisConfig): boolean {
  return config.url !== undefined || config.cluster !== undefined;
}

export function readRedisConfig(env: EnvReader): RedisConfig {
  const keyPrefix = env.string('REDIS_KEY_PREFIX', 'flowgate:');
  // No braces: a prefix holding a hash tag would put every key into one Redis Cluster slot (one
  // hot node), and the keys' own tags (ADR 21) would no longer decide their slots.
  if (!/^[\w.:-]{1,64}$/.test(keyPrefix)) {
    env.report('REDIS_KEY_PREFIX', `must be 1-64 letters, digits or . _ : - (got "${keyPrefix}")`);
  }
  const url = env.url('REDIS_URL', ['redis', 'rediss']);
  const cluster = readClusterNodes(env);
  if (url !== undefined && cluster !== undefined) {
    env.report('REDIS_CLUSTER_NODES', 'and REDIS_URL exclude each other: set one server or a cluster');
  }
  return {
    url,
    cluster,
    keyPrefix,
    connectTimeoutMs: env.integer('REDIS_CONNECT_TIMEOUT_MS', 5_000, { min: 100, max: 60_000 }),
    commandTimeoutMs: env.integer('REDIS_COMMAND_TIMEOUT_MS', 2_000, { min: 50, max: 60_000 }),
    breakerProbeIntervalMs: env.integer('REDIS_BREAKER_PROBE_INTERVAL_MS', 1_000, { min: 100, max: 60_000 }),
  };
}

/**
 * `REDIS_CLUSTER_NODES`: comma-separated `redis://` or `rediss://` URLs of some of the cluster's
 * nodes. URLs rather than `host:port` so that a cluster's user, password and TLS are said the way
 * `REDIS_URL` says them; every node must say the same, since the client logs into all alike.
 */
function readClusterNodes(env: EnvReader): RedisClusterConfig | undefined {
  const entries = env.list('REDIS_CLUSTER_NODES');
  if (entries.length === 0) return undefined;
  const parsed: URL[] = [];
  for (const entry of entries) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || !['redis:', 'rediss:'].includes(url.protocol) || !url.hostname || !url.port) {
      env.report(
        'REDIS_CLUSTER_NODES',
        `must list redis:// or rediss:// URLs with host and port (got "${redactUrl(entry)}")`,
      );
      return undefined;
    }
    parsed.push(url);
  }
  const [first] = parsed;
  const login = (url: URL) => `${url.protocol}${url.username}:${url.password}`;
  if (parsed.some((url) => login(url) !== login(first))) {
    env.report('REDIS_CLUSTER_NODES', 'must give every node the same scheme, user and password');
  }
  return {
    nodes: parsed.map((url) => ({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) })),
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
    tls: first.protocol === 'rediss:',
  };
}
