import type { MigrationList } from '@flowgate/core';
import { CreateUsersAndRoleGrants1795816000000 } from './1795816000000-CreateUsersAndRoleGrants';
import { ScopeUserIdentityToIssuer1795820000000 } from './1795820000000-ScopeUserIdentityToIssuer';

/**
 * The users feature's tables (users, role_grants), in order. 1795820000000 also rewrites
 * `idempotency_records.principal` (the traffic feature's table): it is here because the change it
 * makes is the user identity key's, which every idempotency scope embeds; it runs after the
 * traffic feature's 1795818000000 created that table, as timestamp order guarantees.
 */
export const USERS_MIGRATIONS: MigrationList = [
  CreateUsersAndRoleGrants1795816000000,
  ScopeUserIdentityToIssuer1795820000000,
];
