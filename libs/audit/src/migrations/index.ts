import type { MigrationList } from '@flowgate/core';
import { CreateAuditEvents1795817000000 } from './1795817000000-CreateAuditEvents';
import { AddAuditAnchors1795825200000 } from './1795825200000-AddAuditAnchors';

/** The audit feature's tables (audit_events, the chain head, the signed anchors), in order. */
export const AUDIT_MIGRATIONS: MigrationList = [CreateAuditEvents1795817000000, AddAuditAnchors1795825200000];
