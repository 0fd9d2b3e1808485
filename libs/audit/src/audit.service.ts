import { Injectable } from '@nestjs/common';
import { currentRequestContext, currentTraceId, FlowgateConfig } from '@flowgate/core';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AuditEventBody, AuditEventInput } from './audit-event';
import { AuditRepository } from './audit.repository';
import { redact } from './redact';

/**
 * Records audit events in the caller's transaction, so a change and its event commit or roll back
 * together: one INSERT, no lock, nothing read. The worker's sealer (`sealing/`) later links each
 * event to its predecessor (`hash` covers the previous `hash`), which makes any edit, removal or
 * reordering after sealing detectable by `verify` (docs/adr/0018-audit-chain-sealed-by-the-worker.md).
 * Writers on unrelated resources therefore never wait for each other.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly config: FlowgateConfig,
  ) {}

  async record(event: AuditEventInput, manager: EntityManager): Promise<void> {
    const context = currentRequestContext();
    // The request's or the job's trace, whichever span is active (none while tracing is off).
    const traceId = currentTraceId();
    const { redactFields } = this.config.audit;
    const body: AuditEventBody = {
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      actor:
        event.actor.type === 'user'
          ? {
              type: 'user',
              tenantId: event.actor.tenantId,
              objectId: event.actor.objectId,
              displayName: event.actor.displayName ?? null,
            }
          : { type: 'system', tenantId: null, objectId: null, displayName: null },
      action: event.action,
      resource: { type: event.resource.type, id: event.resource.id ?? null },
      outcome: event.outcome,
      before: event.before ? redact(event.before, redactFields) : null,
      after: event.after ? redact(event.after, redactFields) : null,
      requestId: context?.requestId ?? null,
      clientIp: context?.clientIp ?? null,
      userAgent: context?.userAgent ?? null,
      ...(traceId ? { traceId } : {}),
    };
    await this.repository.insert(body, manager);
  }
}
