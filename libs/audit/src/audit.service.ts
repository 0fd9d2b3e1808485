import { Injectable } from '@nestjs/common';
import { currentRequestContext, FlowgateConfig } from '@flowgate/core';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AuditEventBody, AuditEventInput } from './audit-event';
import { AuditRepository } from './audit.repository';
import { linkHash } from './hash-chain/audit-link';
import { redact } from './redact';

/**
 * Records audit events in the caller's transaction, so a change and its event commit or roll back
 * together. Each event is chained to the previous one (`hash` covers the previous `hash`), which
 * makes any later edit, removal or reordering detectable by `verify`.
 *
 * Concurrency: appending takes the chain head's row lock, held until the caller commits. Callers
 * record as the last step of their unit of work, so the lock is held for the commit only and
 * concurrent writers serialize on that instant, not on their whole transactions.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly config: FlowgateConfig,
  ) {}

  async record(event: AuditEventInput, manager: EntityManager): Promise<void> {
    const context = currentRequestContext();
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
    };
    const head = await this.repository.lockHead(manager);
    const seq = head.seq + 1;
    await this.repository.append(
      { seq, prevHash: head.hash, hash: linkHash(seq, head.hash, body as unknown as Record<string, unknown>), body },
      manager,
    );
  }
}
