import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/auth';

export class UserDto {
  /** @example "5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e" */
  @ApiProperty(API_SCHEMA.uuid)
  id!: string;
  /**
   * The identity source, from the issuer that verified the user's token: the Entra tenant id
   * (lower-case UUID; the development tenant for development tokens), or the issuer URL for other
   * OIDC providers. `quarantined:…` for a user set aside by a migration.
   */
  tenantId!: string;
  /** The user within that source: the Entra object id (`oid`, lower-case UUID), or `sub` for other OIDC providers. */
  objectId!: string;
  /** From the latest token; display only. */
  displayName!: string | null;
  /** From the latest token; display only, never used for authorization. */
  email!: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] })
  status!: 'active' | 'suspended';
  /** Roles granted by admins. */
  @ApiProperty({ enum: ROLES, isArray: true })
  grantedRoles!: Role[];
  /** Roles the latest token carried (mapped from its `roles`/`groups` claims). */
  @ApiProperty({ enum: ROLES, isArray: true })
  tokenRoles!: Role[];
  /** Every role held, with the hierarchy applied. */
  @ApiProperty({ enum: ROLES, isArray: true })
  effectiveRoles!: Role[];
  /** Tokens issued before this instant are rejected. */
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  sessionsRevokedBefore!: string | null;
  @ApiProperty(API_SCHEMA.dateTime)
  createdAt!: string;
  @ApiProperty(API_SCHEMA.dateTime)
  updatedAt!: string;
  /** When a token of this user was last seen. It moves without changing the ETag (docs/api/conventions.md). */
  @ApiProperty(API_SCHEMA.dateTime)
  lastSeenAt!: string;
}
