import { Injectable } from '@nestjs/common';
import { expandRoles, Principal, ROLE_HIERARCHY, ROLES } from '@flowgate/auth';
import type { MeDto } from './dto/me.dto';
import type { RoleListDto } from './dto/role-list.dto';

/** What the caller can learn about themselves and the role model. */
@Injectable()
export class ProfileService {
  me(principal: Principal): MeDto {
    const effective = expandRoles(principal.roles);
    return {
      id: principal.userId,
      tenantId: principal.tenantId,
      objectId: principal.objectId,
      displayName: principal.displayName ?? null,
      email: principal.email ?? null,
      status: principal.status,
      roleSources: principal.roleSources.map(({ role, source }) => ({ role, source })),
      effectiveRoles: ROLES.filter((role) => effective.has(role)),
      stepUp: principal.stepUp.satisfied ? { satisfied: true } : { satisfied: false, reason: principal.stepUp.reason },
      tokenExpiresAt: principal.tokenExpiresAt.toISOString(),
    };
  }

  roles(): RoleListDto {
    return {
      value: ROLE_HIERARCHY.map(({ role, implies, description }) => ({ role, implies: [...implies], description })),
    };
  }
}
