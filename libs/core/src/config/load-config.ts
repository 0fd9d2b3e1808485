import { readAppConfig } from './app.config';
import { readAuditConfig } from './audit.config';
import { readAuthConfig } from './auth.config';
import { ConfigError } from './config-error';
import { readDatabaseConfig } from './database.config';
import { EnvReader } from './env-reader';
import type { FlowgateConfig } from './flowgate-config';
import { readHttpConfig } from './http.config';
import { readLogConfig } from './log.config';
import { readMetricsConfig } from './metrics.config';
import { readRedisConfig } from './redis.config';
import { readTrafficConfig } from './traffic.config';

/**
 * The one place that reads `process.env`. Everything else receives the typed result. Throws a
 * `ConfigError` naming every bad variable, so a misconfigured deployment fails at boot, not later.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): FlowgateConfig {
  const reader = new EnvReader(env);
  const app = readAppConfig(reader);
  const isProduction = app.environment === 'production';
  const config: FlowgateConfig = {
    app,
    http: readHttpConfig(reader),
    database: readDatabaseConfig(reader, isProduction),
    redis: readRedisConfig(reader),
    log: readLogConfig(reader, app.environment === 'test' ? 'silent' : 'info'),
    metrics: readMetricsConfig(reader, app),
    auth: readAuthConfig(reader, app.environment, app.port),
    audit: readAuditConfig(reader),
    traffic: readTrafficConfig(reader),
  };
  if (isProduction) {
    // The embedded database and the in-process Redis stand-ins are valid for one developer's
    // machine only; production must name real, shared services.
    if (!config.database.url) reader.report('DATABASE_URL', 'is required when NODE_ENV=production');
    if (!config.redis.url) reader.report('REDIS_URL', 'is required when NODE_ENV=production');
    // Links must not follow the client's Host header, and a guess at the address is wrong behind
    // any proxy: production says where it is served.
    if (!config.http.publicBaseUrl) reader.report('PUBLIC_BASE_URL', 'is required when NODE_ENV=production');
  }
  if (reader.problemsFound.length > 0) throw new ConfigError(reader.problemsFound);
  return deepFreeze(config);
}

/** `loadConfig` over the process environment with some variables replaced (tests, tools). */
export function loadConfigOverriding(overrides: Readonly<Record<string, string | undefined>>): FlowgateConfig {
  return loadConfig({ ...process.env, ...overrides });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
