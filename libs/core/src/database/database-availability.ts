import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { PinoLogger } from 'nestjs-pino';
import { Gauge } from 'prom-client';
import { Metrics } from '../observability/metrics';
import { TransactionRunner } from './transaction-runner';

/** While PostgreSQL is away: how often to check whether it is back. */
const PROBE_INTERVAL_MS = 1_000;

/**
 * Whether PostgreSQL is reachable, as requests find out. Every request needs the database, so
 * while it is away each one fails; the exception filter answers them 503 and reports them here,
 * which logs the outage once (not a stack trace per request), sets `database_available 0`, and
 * probes with `SELECT 1` every second until the database answers, which logs its return once.
 * Readiness checks the database on its own (`/health/ready`).
 */
@Injectable()
export class DatabaseAvailability implements OnApplicationShutdown {
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly available: Gauge;
  /** The probe runs in this service's async context, not in that of the request that failed first. */
  private readonly scope = new AsyncResource('DatabaseAvailability');

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly logger: PinoLogger,
    metrics: Metrics,
  ) {
    this.logger.setContext(DatabaseAvailability.name);
    this.available = new Gauge({
      name: 'database_available',
      help: '0 while requests find PostgreSQL unreachable (answered 503 dependency_unavailable), else 1',
      registers: [metrics.registry],
    });
    this.available.set(1);
  }

  get isDown(): boolean {
    return this.probe !== undefined;
  }

  /** A request failed because the database is unreachable. */
  reportUnavailable(cause: unknown): void {
    if (this.probe) return;
    this.logger.warn({ err: cause }, 'PostgreSQL unavailable: answering 503 dependency_unavailable until it is back');
    this.available.set(0);
    this.probe = this.scope.runInAsyncScope(() => setInterval(() => void this.check(), PROBE_INTERVAL_MS));
    this.probe.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.probe);
  }

  private async check(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await this.transactions.query('SELECT 1');
      clearInterval(this.probe);
      this.probe = undefined;
      this.available.set(1);
      this.logger.info('PostgreSQL available again');
    } catch {
      // Still away; the next tick tries again.
    } finally {
      this.probing = false;
    }
  }
}
