import { Injectable } from '@nestjs/common';
import { ConfigError, FlowgateConfig } from '@flowgate/core';
import { parseRoleMapping, rolesFromClaims } from '../roles/role-claim-mapping';
import type { Role } from '@flowgate/roles';

/** `AUTH_ROLE_MAPPING`, parsed and checked once at boot (an unknown role stops start-up). */
@Injectable()
export class RoleMapping {
  private readonly mapping: ReadonlyMap<string, Role>;

  constructor(config: FlowgateConfig) {
    const { mapping, problems } = parseRoleMapping(config.auth.roleMapping);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `AUTH_ROLE_MAPPING ${problem}`));
    this.mapping = mapping;
  }

  rolesFromClaims(claims: { roles?: unknown; groups?: unknown }): { role: Role; source: string }[] {
    return rolesFromClaims(claims, this.mapping);
  }
}
