import type { AppConfig } from './app.config';
import type { DatabaseConfig } from './database.config';
import type { EnvReader } from './env-reader';
import type { HttpConfig } from './http.config';
import type { LogConfig } from './log.config';
import type { MetricsConfig } from './metrics.config';
import type { RedisConfig } from './redis.config';
import type { TracingConfig } from './tracing.config';
import type { WorkerConfig } from './worker.config';

/** The sections core reads itself: the cross-cutting concerns. */
export interface CoreConfig {
  readonly app: AppConfig;
  readonly http: HttpConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly log: LogConfig;
  readonly metrics: MetricsConfig;
  readonly tracing: TracingConfig;
  readonly worker: WorkerConfig;
}

/**
 * The validated configuration, one namespace per concern: core's, plus one per feature that has
 * settings, which the feature adds by module augmentation next to its reader:
 *
 *   declare module '@flowgate/core' {
 *     interface FlowgateConfig { readonly audit: AuditConfig }
 *   }
 *
 * It doubles as the injection token: `constructor(private readonly config: FlowgateConfig)` gives a
 * typed, read-only view.
 */
export abstract class FlowgateConfig implements CoreConfig {
  abstract readonly app: AppConfig;
  abstract readonly http: HttpConfig;
  abstract readonly database: DatabaseConfig;
  abstract readonly redis: RedisConfig;
  abstract readonly log: LogConfig;
  abstract readonly metrics: MetricsConfig;
  abstract readonly tracing: TracingConfig;
  abstract readonly worker: WorkerConfig;
}

/**
 * Reads one feature's section, from the environment as the core loader hands it over (never
 * `process.env` itself) and the core sections already read; reports bad values on `env`.
 */
export type ConfigSectionReader<T> = (env: EnvReader, core: CoreConfig) => T;

/** The sections features added to `FlowgateConfig`. */
export type FeatureSectionName = Exclude<keyof FlowgateConfig, keyof CoreConfig>;

/** A reader for every feature section: what the composition root registers with the loader. */
export type ConfigSections = { readonly [K in FeatureSectionName]: ConfigSectionReader<FlowgateConfig[K]> };
