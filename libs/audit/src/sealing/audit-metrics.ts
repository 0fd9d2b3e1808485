import { Injectable } from '@nestjs/common';
import { Metrics } from '@flowgate/core';
import { Gauge } from 'prom-client';
import { AuditRepository, type UnsealedBacklog } from '../audit.repository';

/** Scrapes closer together than this share one query. */
const REUSE_MS = 1_000;

/**
 * The sealer's backlog on /metrics (docs/runbook.md, "Audit sealing"), read from the database at
 * scrape time rather than set by the sealer: every process that serves the audit log reports the
 * same figure, and it keeps growing when the sealer has stopped, which is when it must alert.
 */
@Injectable()
export class AuditMetrics {
  readonly unsealedSeconds: Gauge;
  readonly unsealedEvents: Gauge;
  private last: { at: number; backlog: Promise<UnsealedBacklog | undefined> } | undefined;

  constructor(metrics: Metrics, repository: AuditRepository) {
    const registers = [metrics.registry];
    const backlog = (): Promise<UnsealedBacklog | undefined> => {
      if (!this.last || Date.now() - this.last.at > REUSE_MS) {
        // A scrape during a database outage reports NaN instead of failing the whole scrape.
        this.last = { at: Date.now(), backlog: repository.unsealedBacklog().catch(() => undefined) };
      }
      return this.last.backlog;
    };
    this.unsealedSeconds = new Gauge({
      name: 'audit_unsealed_seconds',
      help: 'Age of the oldest audit event not yet sealed into the hash chain (0 when none)',
      registers,
      async collect() {
        const now = await backlog();
        this.set(now ? (now.oldestAgeSeconds ?? 0) : Number.NaN);
      },
    });
    this.unsealedEvents = new Gauge({
      name: 'audit_unsealed_events',
      help: 'Audit events not yet sealed into the hash chain',
      registers,
      async collect() {
        const now = await backlog();
        this.set(now ? now.count : Number.NaN);
      },
    });
  }
}
