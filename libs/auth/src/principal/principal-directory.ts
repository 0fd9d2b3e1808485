import { hash } from 'node:crypto';
import { type CallerBatch, hashTag } from '@flowgate/core';
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
  /**
   * `batch`, when the request has one: the directory's cache read goes out with the counters and
   * marker planned for the caller, in one Redis round trip (ADR 28).
   */
  abstract resolve(identity: TokenIdentity, batch?: CallerBatch): Promise<DirectoryEntry>;
}

/**
 * The caller's Redis Cluster hash tag, from the token's identity: every per-caller key (cached
 * principal, rate-limit counters, idempotency markers) carries it, so they share a slot and one
 * script can touch them all (ADR 21, 28). Known before the directory is asked, so the caller's
 * Redis work can go in one round trip. One per user (users are keyed by the same pair). A plain
 * `source:subject` join would be ambiguous once sources are issuer URLs (`https://idp` + `a:b` and
 * `https://idp:a` + `b` read the same); JSON keeps the pair apart, and hashing bounds the length.
 */
export function principalTag(tenantId: string, objectId: string): string {
  return hashTag(hash('sha256', JSON.stringify([tenantId, objectId]), 'base64url'));
}
