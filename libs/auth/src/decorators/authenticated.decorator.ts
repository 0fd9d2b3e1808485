import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiProblemResponses } from '@flowgate/core';
import type { Role } from '@flowgate/roles';

export const ACCESS_REQUIREMENT = 'flowgate:access-requirement';

export interface AccessRequirement {
  /** Minimum role (hierarchy-aware); any authenticated, active user when absent. */
  readonly role?: Role;
  /** Requires a recent strong authentication (MFA / Entra authentication context). */
  readonly stepUp?: boolean;
}

/**
 * What a route needs, declared once: the guards enforce it and OpenAPI documents it
 * (`x-required-role`, `x-step-up-required`, the bearer scheme, 401/403 problems). Routes without
 * this decorator still require authentication (deny by default); `@Public()` opts out.
 */
export function Authenticated(requirement: AccessRequirement = {}) {
  return applyDecorators(
    SetMetadata(ACCESS_REQUIREMENT, requirement),
    ApiBearerAuth('bearer'),
    ...(requirement.role ? [ApiExtension('x-required-role', requirement.role)] : []),
    ...(requirement.stepUp ? [ApiExtension('x-step-up-required', true)] : []),
    ApiProblemResponses(401, 403),
  );
}
