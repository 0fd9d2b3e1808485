import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/auth';

export class UserDto {
  /** @example "5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e" */
  id!: string;
  /** Entra tenant id (`tid`), or the issuer for other OIDC providers. */
  tenantId!: string;
  /** Entra object id (`oid`), or `sub` for other OIDC providers. */
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
  sessionsRevokedBefore!: string | null;
  createdAt!: string;
  updatedAt!: string;
  lastSeenAt!: string;
}
