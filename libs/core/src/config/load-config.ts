import { readAppConfig } from './app.config';
import { ConfigError } from './config-error';
import { readDatabaseConfig } from './database.config';
import { EnvReader } from './env-reader';
import type { ConfigSectionReader, ConfigSections, CoreConfig, FlowgateConfig } from './flowgate-config';
import { readHttpConfig } from './http.config';
import { readLogConfig } from './log.config';
import { readMetricsConfig } from './metrics.config';
import { readRedisConfig, redisConfigured } from './redis.config';
import { readTracingConfig } from './tracing.config';
import { readWorkerConfig } from './worker.config';

type Environment = Readonly<Record<string, string | undefined>>;

/** The sections a set of readers produces. */
export type SectionsOf<S> = { readonly [K in keyof S]: S[K] extends ConfigSectionReader<infer T> ? T : never };

export interface ConfigLoader<C> {
  /** Reads and validates `env` (the process environment by default). */
  readonly load: (env?: Environment) => C;
  /** `load` over the process environment with some variables replaced (tests, tools). */
  readonly loadOverriding: (overrides: Environment) => C;
}

/**
 * The loader of an application: core's sections plus the feature sections its composition root
 * registers here, validated together once at boot. Throws a `ConfigError` naming every bad
 * variable, so a misconfigured deployment fails at boot, not later.
 */
export function configLoader(sections: ConfigSections): ConfigLoader<FlowgateConfig>;
export function configLoader<S extends Partial<ConfigSections>>(sections: S): ConfigLoader<CoreConfig & SectionsOf<S>>;
export function configLoader(sections: Partial<ConfigSections>): ConfigLoader<CoreConfig> {
  return {
    load: (env = process.env) => readConfig(env, sections),
    loadOverriding: (overrides) => readConfig({ ...process.env, ...overrides }, sections),
  };
}

/**
 * Core's sections only (database, Redis, HTTP, …), for tools and specs that need no feature's
 * settings. The API's whole configuration comes from its loader (`loadApiConfig`).
 */
export function loadConfig(env: Environment = process.env): CoreConfig {
  return readConfig(env, {});
}

/** `loadConfig` over the process environment with some variables replaced (tests, tools). */
export function loadConfigOverriding(overrides: Environment): CoreConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The one place that reads `process.env` (through the defaults above). */
function readConfig(env: Environment, sections: Partial<ConfigSections>): CoreConfig {
  const reader = new EnvReader(env);
  const app = readAppConfig(reader);
  const isProduction = app.environment === 'production';
  const database = readDatabaseConfig(reader, isProduction);
  const core: CoreConfig = {
    app,
    http: readHttpConfig(reader),
    database,
    redis: readRedisConfig(reader),
    log: readLogConfig(reader, app.environment === 'test' ? 'silent' : 'info'),
    metrics: readMetricsConfig(reader, app),
    tracing: readTracingConfig(reader, app),
    worker: readWorkerConfig(reader, app, database),
  };
  const config: Record<string, unknown> = { ...core };
  for (const [name, read] of Object.entries(sections) as [string, ConfigSectionReader<unknown>][]) {
    config[name] = read(reader, core);
  }
  if (core.database.readReplicaUrl && !core.database.url) {
    // The embedded development database has no replica; a replica of what, then?
    reader.report('DATABASE_READ_REPLICA_URL', 'needs DATABASE_URL (the primary it replicates)');
  }
  if (isProduction) {
    // The embedded database and the in-process Redis stand-ins are valid for one developer's
    // machine only; production must name real, shared services.
    if (!core.database.url) reader.report('DATABASE_URL', 'is required when NODE_ENV=production');
    if (!redisConfigured(core.redis)) {
      reader.report('REDIS_URL', '(or REDIS_CLUSTER_NODES) is required when NODE_ENV=production');
    }
    // Links must not follow the client's Host header, and a guess at the address is wrong behind
    // any proxy: production says where it is served.
    if (!core.http.publicBaseUrl) reader.report('PUBLIC_BASE_URL', 'is required when NODE_ENV=production');
  }
  if (reader.problemsFound.length > 0) throw new ConfigError(reader.problemsFound);
  return deepFreeze(config as unknown as CoreConfig);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
