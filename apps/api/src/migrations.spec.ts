import { AUDIT_MIGRATIONS } from '@flowgate/audit';
import { migrationTimestamp } from '@flowgate/core';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { USERS_MIGRATIONS } from '@flowgate/users';
import { WEBHOOKS_MIGRATIONS } from '@flowgate/webhooks';
import { WORKFLOWS_MIGRATIONS } from '@flowgate/workflows';
import { API_MIGRATIONS } from './migrations';

describe('API_MIGRATIONS', () => {
  it('is in strictly increasing timestamp order', () => {
    const timestamps = API_MIGRATIONS.map(migrationTimestamp);
    timestamps.slice(1).forEach((timestamp, index) => expect(timestamp).toBeGreaterThan(timestamps[index]));
  });

  it('lists no migration twice, by class or by name', () => {
    expect(new Set(API_MIGRATIONS).size).toBe(API_MIGRATIONS.length);
    expect(new Set(API_MIGRATIONS.map((migration) => migration.name)).size).toBe(API_MIGRATIONS.length);
  });

  it("holds every feature's migrations and nothing else", () => {
    const features = [
      USERS_MIGRATIONS,
      AUDIT_MIGRATIONS,
      TRAFFIC_MIGRATIONS,
      WORKFLOWS_MIGRATIONS,
      WEBHOOKS_MIGRATIONS,
    ].flat();
    expect(new Set(API_MIGRATIONS)).toEqual(new Set(features));
  });

  // Existing databases recorded these names in their `migrations` table before the files moved
  // from libs/core to the features; a renamed class would run again there.
  it('keeps the names existing databases recorded', () => {
    expect(API_MIGRATIONS.map((migration) => migration.name)).toEqual([
      'CreateUsersAndRoleGrants1795816000000',
      'CreateAuditEvents1795817000000',
      'CreateIdempotencyRecords1795818000000',
      'CreateWorkflows1795819000000',
      'ScopeUserIdentityToIssuer1795820000000',
      'AddWorkflowAssignmentsAndParticipants1795821000000',
      'StoreIdempotentResponseBytes1795822000000',
      'AddWorkflowTimers1795823400000',
      'CreateWebhooks1795823700000',
      'AddWorkflowHistoryChanges1795824600000',
      'AddSystemAssignments1795824700000',
      'AddRoleQueues1795824800000',
      'PartitionAuditEventsSealedByTheWorker1795825100000',
      'AddAuditAnchors1795825200000',
      'AddAuditArchives1795825400000',
      'AddAuditEventTraceIds1795825500000',
      'AddTraceContext1795825600000',
      'AddDeliveryTraceContext1795825610000',
    ]);
    expect(API_MIGRATIONS.map((migration) => new migration().name)).toEqual(
      API_MIGRATIONS.map((migration) => migration.name),
    );
  });
});
