import { withETag } from '@flowgate/core';
import { expandRoles, isRole, ROLES } from '@flowgate/auth';
import type { UserDto } from './dto/user.dto';
import type { UserEntity } from './entities/user.entity';

/** Entity → response DTO (with its ETag). Entities never leave the users library. */
export function toUserDto(user: UserEntity, grantedRoles: readonly string[]): UserDto {
  const granted = grantedRoles.filter(isRole);
  const fromToken = user.tokenRoles.filter(isRole);
  const effective = expandRoles([...granted, ...fromToken]);
  return withETag(
    {
      id: user.id,
      tenantId: user.tenantId,
      objectId: user.objectId,
      displayName: user.displayName,
      email: user.email,
      status: user.status,
      grantedRoles: granted,
      tokenRoles: fromToken,
      effectiveRoles: ROLES.filter((role) => effective.has(role)),
      sessionsRevokedBefore: user.sessionsRevokedBefore?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
      lastSeenAt: user.lastSeenAt.toISOString(),
    },
    user.version,
  );
}
