import { EnvReader, redactUrl } from './env-reader';

export interface HttpConfig {
  /** Largest accepted request body, in bytes; larger bodies get 413. */
  readonly bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have; deeper bodies get 400. Every
   * layer after parsing (validation, fingerprints, the definition reader) may then recurse. */
  readonly maxJsonDepth: number;
  /** A request still running after this long is answered with 503 `request_timeout`. */
  readonly requestTimeoutMs: number;
  /** On SIGTERM, how long in-flight requests may take to finish before connections are cut. */
  readonly shutdownDrainMs: number;
  /** Fastify's `trustProxy`: false, true, a hop count, or a list of trusted addresses/subnets. */
  readonly trustProxy: boolean | number | string[];
  /** Origins allowed by CORS; empty means no cross-origin access at all. */
  readonly corsOrigins: string[];
  /**
   * Where clients reach the API (`https://flowgate.example.com`, or with a path prefix), without a
   * trailing slash: links the API sends (`nextLink`, `Location`) start with it, never with what a
   * client put in `Host`. Required in production; unset elsewhere, the address the request arrived
   * on (the listening socket) stands in.
   */
  readonly publicBaseUrl: string | undefined;
}

export function readHttpConfig(env: EnvReader): HttpConfig {
  const corsOrigins = env.list('CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      env.report('CORS_ORIGINS', `must list origins such as https://app.example.com (got "${origin}")`);
    }
  }
  return {
    bodyLimitBytes: env.integer('HTTP_BODY_LIMIT_BYTES', 256 * 1024, { min: 1024, max: 50 * 1024 * 1024 }),
    // 512 stays far below the few thousand frames a recursive walk of a parsed body can afford.
    maxJsonDepth: env.integer('HTTP_MAX_JSON_DEPTH', 64, { min: 8, max: 512 }),
    requestTimeoutMs: env.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
    shutdownDrainMs: env.integer('HTTP_SHUTDOWN_DRAIN_MS', 10_000, { min: 0, max: 120_000 }),
    trustProxy: readTrustProxy(env),
    corsOrigins,
    publicBaseUrl: readPublicBaseUrl(env),
  };
}

function readPublicBaseUrl(env: EnvReader): string | undefined {
  const value = env.url('PUBLIC_BASE_URL', ['http', 'https']);
  if (value === undefined) return undefined;
  const url = new URL(value);
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) {
    env.report(
      'PUBLIC_BASE_URL',
      `must be scheme://host[:port][/path] with no credentials, query or fragment (got "${redactUrl(value)}")`,
    );
    return undefined;
  }
  // new URL() normalises the host's case and drops a default port; links are built by appending.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function readTrustProxy(env: EnvReader): HttpConfig['trustProxy'] {
  const value = env.raw('TRUST_PROXY');
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return env.integer('TRUST_PROXY', 0, { min: 0, max: 32 });
  if (/^(true|false)$/i.test(value)) return env.boolean('TRUST_PROXY', false);
  // Fastify (proxy-addr) accepts names (loopback, linklocal, uniquelocal), addresses and CIDR subnets.
  const entries = env.list('TRUST_PROXY');
  for (const entry of entries) {
    if (!/^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(entry)) {
      env.report('TRUST_PROXY', `must be true, false, a hop count or a list of addresses/subnets (got "${entry}")`);
    }
  }
  return entries;
}
