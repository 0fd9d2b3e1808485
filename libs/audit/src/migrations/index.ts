import type { MigrationList } from '@flowgate/core';
import { CreateAuditEvents1795817000000 } from './1795817000000-CreateAuditEvents';
import { PartitionAuditEventsSealedByTheWorker1795825100000 } from './1795825100000-PartitionAuditEventsSealedByTheWorker';
import { AddAuditAnchors1795825200000 } from './1795825200000-AddAuditAnchors';
import { AddAuditArchives1795825400000 } from './1795825400000-AddAuditArchives';
import { AddAuditEventTraceIds1795825500000 } from './1795825500000-AddAuditEventTraceIds';

/** The audit feature's tables (audit_events, the chain head, the signed anchors, the archives), in order. */
export const AUDIT_MIGRATIONS: MigrationList = [
  CreateAuditEvents1795817000000,
  PartitionAuditEventsSealedByTheWorker1795825100000,
  AddAuditAnchors1795825200000,
  AddAuditArchives1795825400000,
  AddAuditEventTraceIds1795825500000,
];
