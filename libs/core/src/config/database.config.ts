import { EnvReader } from './env-reader';

export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

export interface EmbeddedDatabaseConfig {
  /** Port of the embedded server; deliberately not 5432 so it never meets a system PostgreSQL. */
  readonly port: number;
  /** Where the embedded cluster keeps its files across restarts (git-ignored). */
  readonly dataDir: string;
}

export interface DatabaseConfig {
  /** Absent only in development, where an embedded PostgreSQL is started instead. */
  readonly url: string | undefined;
  /**
   * A streaming replica of that database for the audit reads that tolerate its lag (ADR 29);
   * absent: every read goes to the primary. Same credentials rules, TLS mode and pool settings.
   */
  readonly readReplicaUrl: string | undefined;
  readonly ssl: DatabaseSslMode;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly runMigrationsOnStart: boolean;
  readonly embedded: EmbeddedDatabaseConfig;
}

export function readDatabaseConfig(env: EnvReader, isProduction: boolean): DatabaseConfig {
  return {
    url: env.url('DATABASE_URL', ['postgres', 'postgresql']),
    readReplicaUrl: env.url('DATABASE_READ_REPLICA_URL', ['postgres', 'postgresql']),
    ssl: env.oneOf('DATABASE_SSL', DATABASE_SSL_MODES, 'disable'),
    poolSize: env.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    statementTimeoutMs: env.integer('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, { min: 100, max: 600_000 }),
    connectTimeoutMs: env.integer('DATABASE_CONNECT_TIMEOUT_MS', 5_000, { min: 100, max: 60_000 }),
    // Production deploys run `npm run migration:run` as a release step, so replicas never race.
    runMigrationsOnStart: env.boolean('DATABASE_MIGRATIONS_RUN', !isProduction),
    embedded: {
      port: env.integer('EMBEDDED_POSTGRES_PORT', 54329, { min: 1024, max: 65535 }),
      dataDir: env.string('EMBEDDED_POSTGRES_DATA_DIR', '.data/postgres'),
    },
  };
}
