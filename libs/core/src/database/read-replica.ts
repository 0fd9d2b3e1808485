import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { FlowgateConfig } from '../config/flowgate-config';
import { DegradedModes } from '../observability/degraded-modes';
import { Metrics } from '../observability/metrics';
import { isDatabaseUnavailability } from './database-unavailability';
import { TransactionRunner } from './transaction-runner';

/** One read statement, wherever it runs: `TransactionRunner` (the primary) or a replica reader. */
export interface SqlReader {
  query<T>(sql: string, parameters?: readonly unknown[], options?: { name?: string }): Promise<T[]>;
}

/** While the replica is away: how often to check whether it is back. */
const PROBE_INTERVAL_MS = 1_000;
const DEGRADED_MODE = 'auditReads';
/** A hot standby cancelled the statement because replaying the primary's WAL needed its rows. */
const RECOVERY_CONFLICT = '40001';
/** Seconds the replica's replay trails the primary; 0 when it has replayed all it received. */
const LAG_SQL = `SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8 AS lag`;

/**
 * The optional PostgreSQL read replica (`DATABASE_READ_REPLICA_URL`, docs/adr/0029): a pool of
 * its own beside TypeORM's, for the reads that tolerate the replica's lag. TypeORM's `replication`
 * option is not used: it sends every query-builder read outside a transaction to a replica by
 * default (a global change of read-your-writes), and its data source fails to start while a
 * replica is down. Writes and units of work never come here; they stay on the primary.
 *
 * A replica that is unreachable (or cancels a statement for a recovery conflict) is not an outage:
 * the read is answered by the primary, which has every row the replica has. The instance then
 * reports the degraded mode `auditReads` in readiness and `database_replica_available 0`, sends
 * lag-tolerant reads straight to the primary, and probes the replica every second until it is back.
 */
@Injectable()
export class ReadReplica implements OnApplicationShutdown {
  private readonly pool: Pool | undefined;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly available: Gauge | undefined;
  /** The probe runs in this service's async context, not in that of the request that failed first. */
  private readonly scope = new AsyncResource('ReadReplica');

  constructor(
    config: FlowgateConfig,
    private readonly primary: TransactionRunner,
    private readonly degraded: DegradedModes,
    private readonly logger: PinoLogger,
    metrics: Metrics,
  ) {
    this.logger.setContext(ReadReplica.name);
    const { database, app } = config;
    if (!database.readReplicaUrl) return;
    this.pool = new Pool({
      connectionString: database.readReplicaUrl,
      ssl: database.ssl === 'disable' ? false : { rejectUnauthorized: database.ssl === 'verify-full' },
      max: database.poolSize,
      connectionTimeoutMillis: database.connectTimeoutMs,
      statement_timeout: database.statementTimeoutMs,
      application_name: `${app.serviceName}-replica`,
      options: '-c jit=off',
    });
    // An idle connection dropped by the server must not become an uncaught error.
    this.pool.on('error', (error) => this.reportUnavailable(error));
    this.available = new Gauge({
      name: 'database_replica_available',
      help: '0 while the read replica is unreachable (its reads are answered by the primary), else 1',
      registers: [metrics.registry],
    });
    this.available.set(1);
    const lagSeconds = () => this.lagSeconds();
    new Gauge({
      name: 'database_replica_lag_seconds',
      help: 'How far the read replica trails the primary (now minus its last replayed commit; 0 when caught up)',
      registers: [metrics.registry],
      async collect() {
        const lag = await lagSeconds();
        // Unknown (replica away): no sample rather than a made-up value.
        if (lag === null) this.reset();
        else this.set(lag);
      },
    });
  }

  get configured(): boolean {
    return this.pool !== undefined;
  }

  /** Whether the replica is configured and was reachable at the last attempt. */
  get usable(): boolean {
    return this.pool !== undefined && this.probe === undefined;
  }

  /**
   * A reader for one read that tolerates the replica's lag, single statement or many (an export's
   * batches). It reads from the replica; inside a unit of work, without a replica, or while it is
   * away, from the primary. Once it has fallen back to the primary it stays there, so that a
   * multi-statement read never steps back in time (from the primary's state to a lagging one).
   */
  reader(): SqlReader {
    let onPrimary = false;
    return {
      query: async <T>(sql: string, parameters: readonly unknown[] = [], options: { name?: string } = {}) => {
        if (!onPrimary && this.pool && this.usable && !this.primary.inUnitOfWork) {
          try {
            const { rows } = await this.pool.query<T & object>({
              text: sql,
              values: [...parameters],
              name: options.name,
            });
            return rows as T[];
          } catch (error) {
            const conflict = (error as { code?: unknown }).code === RECOVERY_CONFLICT;
            if (!conflict && !isDatabaseUnavailability(error)) throw error;
            if (!conflict) this.reportUnavailable(error);
          }
        }
        onPrimary = true;
        return this.primary.query<T>(sql, parameters, options);
      },
    };
  }

  /** For readiness: `up` when the replica answers within `timeoutMs`; undefined when none is configured. */
  async check(timeoutMs: number): Promise<'up' | 'down' | undefined> {
    if (!this.pool) return undefined;
    const answered = this.pool.query('SELECT 1').then(
      () => true,
      (error: unknown) => {
        // Readiness runs every few seconds: it finds an outage before any audit read does.
        if (isDatabaseUnavailability(error)) this.reportUnavailable(error);
        return false;
      },
    );
    const timedOut = new Promise<false>((done) => setTimeout(() => done(false), timeoutMs).unref());
    return (await Promise.race([answered, timedOut])) ? 'up' : 'down';
  }

  /** Seconds the replica trails the primary; null without a replica, while it is away, or if it is not one. */
  async lagSeconds(): Promise<number | null> {
    if (!this.pool || !this.usable) return null;
    try {
      const { rows } = await this.pool.query<{ lag: number | null }>(LAG_SQL);
      return rows[0]?.lag ?? null;
    } catch {
      return null;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.probe);
    await this.pool?.end();
  }

  private reportUnavailable(cause: unknown): void {
    if (this.probe || !this.pool) return;
    this.logger.warn({ err: cause }, 'Read replica unavailable: audit reads go to the primary until it is back');
    this.available?.set(0);
    this.degraded.enter(DEGRADED_MODE, 'audit reads served by the primary: the read replica is unreachable');
    this.probe = this.scope.runInAsyncScope(() => setInterval(() => void this.probeOnce(), PROBE_INTERVAL_MS));
    this.probe.unref();
  }

  private async probeOnce(): Promise<void> {
    if (this.probing || !this.pool) return;
    this.probing = true;
    try {
      await this.pool.query('SELECT 1');
      clearInterval(this.probe);
      this.probe = undefined;
      this.available?.set(1);
      this.degraded.leave(DEGRADED_MODE);
      this.logger.info('Read replica available again');
    } catch {
      // Still away; the next tick tries again.
    } finally {
      this.probing = false;
    }
  }
}
