import { Injectable } from '@nestjs/common';
import { FlowgateConfig, type WorkerJob } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { AuditAnchoring } from './audit-anchoring';

/**
 * Signs the audit chain's head once per AUDIT_ANCHOR_INTERVAL_SECONDS when it moved (docs/adr/0019).
 * A singleton, so one replica does it per interval; the database keeps it to one anchor per
 * interval and per chain position even if the lock is lost (`AuditAnchoring`).
 */
@Injectable()
export class AuditAnchorJob implements WorkerJob {
  readonly name = 'audit-anchor';
  readonly singleton = true;
  readonly idleIntervalMs: number;

  constructor(
    private readonly anchoring: AuditAnchoring,
    config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AuditAnchorJob.name);
    this.idleIntervalMs = config.audit.anchors.intervalMs;
  }

  async runOnce(): Promise<number> {
    const anchor = await this.anchoring.anchorHead();
    if (!anchor) return 0;
    this.logger.info({ seq: anchor.seq, keyId: anchor.keyId }, 'Anchored the audit chain head');
    return 1;
  }
}
