import type { Principal } from '@flowgate/auth';
import type { AuditActor } from './audit-event';

/** The audit actor for a caller: by tenant and object id, the display name for people reading it. */
export function userActor(principal: Pick<Principal, 'tenantId' | 'objectId' | 'displayName'>): AuditActor {
  return {
    type: 'user',
    tenantId: principal.tenantId,
    objectId: principal.objectId,
    displayName: principal.displayName,
  };
}
