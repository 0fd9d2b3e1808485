import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AccessDenial, AccessDenials } from '@flowgate/auth';
import { AtomicCounters, FlowgateConfig, RedisUnavailable, TransactionRunner } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { createHash } from 'node:crypto';
import { userActor } from '../audit-actor';
import { AuditService } from '../audit.service';

interface OpenWindow {
  readonly denial: AccessDenial;
  readonly openedAt: Date;
  readonly timer: NodeJS.Timeout;
}

/**
 * Security denials as audit events, each in its own transaction (the refused request's own work,
 * if any, rolls back; the denial must not).
 *
 * A flood of identical denials (same principal, action, resource and reason) must not flood the
 * log: the first one is written at once, the repeats within `AUDIT_DENIAL_WINDOW_SECONDS` are
 * counted in a shared counter (Redis), and one event with their count is written when the window
 * closes (with Redis unreachable, every denial is written). The instance that wrote the first
 * event closes the window; if it is gone, the next
 * instance to see the same denial after the window's end closes it instead. The counter is taken
 * (read and deleted) atomically, so a window is closed once.
 */
@Injectable()
export class AuditedAccessDenials extends AccessDenials implements BeforeApplicationShutdown {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly counters: AtomicCounters,
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext(AuditedAccessDenials.name);
  }

  async record(denial: AccessDenial): Promise<void> {
    // Refusals inside a request's unit of work are written once it has rolled back.
    await this.transactions.afterUnitOfWork(() => this.recordNow(denial));
  }

  private async recordNow(denial: AccessDenial): Promise<void> {
    try {
      const key = windowKey(denial);
      const windowMs = this.config.audit.denialWindowMs;
      // The counter outlives the window so that a window whose closer died is still closed.
      const counted = await this.counters.increment(key, 1, 3 * windowMs).catch((error: unknown) => {
        // Redis being away is logged once by its connection.
        if (!(error instanceof RedisUnavailable)) {
          this.logger.warn({ err: error }, 'Denial counter unavailable; auditing this denial without collapsing');
        }
        return undefined;
      });
      if (!counted || counted.value === 1) {
        await this.write(denial, { occurrences: 1 });
        if (counted) this.openWindow(key, denial);
      } else if (counted.ttlMs < 2 * windowMs) {
        await this.closeWindow(key, denial, new Date(Date.now() - (3 * windowMs - counted.ttlMs)));
      }
    } catch (error) {
      this.logger.error({ err: error, action: denial.action, reason: denial.reason }, 'Could not audit a denial');
    }
  }

  /** Windows still open are closed now, while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      [...this.open].map(([key, window]) => {
        clearTimeout(window.timer);
        return this.closeWindow(key, window.denial, window.openedAt).catch((error: unknown) =>
          this.logger.error({ err: error }, 'Could not write a denial count on shutdown'),
        );
      }),
    );
  }

  private openWindow(key: string, denial: AccessDenial): void {
    const openedAt = new Date();
    const timer = setTimeout(() => {
      this.closeWindow(key, denial, openedAt).catch((error: unknown) =>
        this.logger.error({ err: error }, 'Could not write a denial count'),
      );
    }, this.config.audit.denialWindowMs);
    timer.unref();
    this.open.set(key, { denial, openedAt, timer });
  }

  /** Writes the repeats counted since the first event, if there were any. */
  private async closeWindow(key: string, denial: AccessDenial, openedAt: Date): Promise<void> {
    this.open.delete(key);
    const repeats = (await this.counters.take(key)) - 1;
    if (repeats < 1) return;
    await this.write(denial, {
      occurrences: repeats,
      repeatedSince: openedAt.toISOString(),
      repeatedUntil: new Date().toISOString(),
    });
  }

  private async write(denial: AccessDenial, count: Record<string, unknown>): Promise<void> {
    const { principal } = denial;
    await this.transactions.runAlone((manager) =>
      this.audit.record(
        {
          actor: userActor(principal),
          action: denial.action,
          resource: denial.resource,
          outcome: 'denied',
          after: { reason: denial.reason, ...denial.detail, ...count },
        },
        manager,
      ),
    );
  }
}

/** Identical denials share a window; hashed so that ids and routes cannot shape the Redis key. */
function windowKey(denial: AccessDenial): string {
  const { principal, action, resource, reason } = denial;
  const identity = JSON.stringify([principal.tenantId, principal.objectId, action, resource.type, resource.id, reason]);
  return `audit-denial:${createHash('sha256').update(identity).digest('base64url')}`;
}
