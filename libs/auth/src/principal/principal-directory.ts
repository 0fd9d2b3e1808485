import type { Role } from '@flowgate/roles';

/** Who a verified token says the caller is, and the display data it carries. */
export interface TokenIdentity {
  readonly tenantId: string;
  readonly objectId: string;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  /** Roles mapped from the token's `roles`/`groups` claims. */
  readonly tokenRoles: readonly Role[];
}

/** What the directory knows about the caller beyond the token. */
export interface DirectoryEntry {
  readonly userId: string;
  readonly status: 'active' | 'suspended';
  /** Roles granted by admins (stored). */
  readonly grantedRoles: readonly Role[];
  /** Tokens issued before this instant (ISO 8601) are rejected: their sessions were revoked. */
  readonly sessionsRevokedBefore: string | undefined;
}

/**
 * The user directory as authentication needs it. The users library implements it (provisioning
 * users on first sight); authentication depends only on this contract, so the dependency between
 * the two libraries points one way.
 */
export abstract class PrincipalDirectory {
  abstract resolve(identity: TokenIdentity): Promise<DirectoryEntry>;
}
