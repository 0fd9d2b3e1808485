import type { MixedList } from 'typeorm';
import { CreateUsersAndRoleGrants1795816000000 } from './1795816000000-CreateUsersAndRoleGrants';
import { CreateAuditEvents1795817000000 } from './1795817000000-CreateAuditEvents';
import { CreateIdempotencyRecords1795818000000 } from './1795818000000-CreateIdempotencyRecords';
import { CreateWorkflows1795819000000 } from './1795819000000-CreateWorkflows';
import { ScopeUserIdentityToIssuer1795820000000 } from './1795820000000-ScopeUserIdentityToIssuer';
import { AddWorkflowAssignmentsAndParticipants1795821000000 } from './1795821000000-AddWorkflowAssignmentsAndParticipants';
import { StoreIdempotentResponseBytes1795822000000 } from './1795822000000-StoreIdempotentResponseBytes';

/**
 * Every migration, in order. Listed explicitly rather than globbed so that the compiled app, the
 * tests and the CLI all run exactly the same set, whatever the file layout they run from.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: MixedList<Function> = [
  CreateUsersAndRoleGrants1795816000000,
  CreateAuditEvents1795817000000,
  CreateIdempotencyRecords1795818000000,
  CreateWorkflows1795819000000,
  ScopeUserIdentityToIssuer1795820000000,
  AddWorkflowAssignmentsAndParticipants1795821000000,
  StoreIdempotentResponseBytes1795822000000,
];
