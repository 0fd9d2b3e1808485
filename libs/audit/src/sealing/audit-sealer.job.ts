import { Injectable } from '@nestjs/common';
import { FlowgateConfig, type WorkerJob } from '@flowgate/core';
import { AuditSealer } from './audit-sealer';

/**
 * Seals audit events into the hash chain (`AuditSealer`), one batch per run: a run that sealed
 * something is followed at once by the next, an idle one waits `AUDIT_SEAL_INTERVAL_MS`, so an
 * event is sealed well within 2 s of its commit under normal load. A singleton: one replica seals
 * at a time (a fenced lock); the chain head's row lock keeps a second one harmless anyway.
 */
@Injectable()
export class AuditSealerJob implements WorkerJob {
  readonly name = 'audit-sealer';
  readonly singleton = true;
  readonly idleIntervalMs: number;

  constructor(
    private readonly sealer: AuditSealer,
    config: FlowgateConfig,
  ) {
    this.idleIntervalMs = config.audit.sealIntervalMs;
  }

  async runOnce(signal: AbortSignal): Promise<number> {
    if (signal.aborted) return 0;
    return this.sealer.sealBatch();
  }
}
