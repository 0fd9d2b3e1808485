import type { HttpRequest } from '@flowgate/core';
import type { Role } from '@flowgate/roles';
import type { StepUpVerdict } from '../step-up/step-up';

export interface RoleSource {
  readonly role: Role;
  /** `token:roles:<value>`, `token:groups:<id>` or `grant`. */
  readonly source: string;
}

/** The authenticated caller of this request. */
export interface Principal {
  readonly userId: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly status: 'active' | 'suspended';
  /** Roles held directly (from the token and from grants), before the hierarchy is applied. */
  readonly roles: readonly Role[];
  readonly roleSources: readonly RoleSource[];
  readonly stepUp: StepUpVerdict;
  readonly tokenIssuedAt: Date;
  readonly tokenExpiresAt: Date;
  /** How the caller authenticated: a bearer token, or a browser session's cookie (absent: bearer). */
  readonly via?: 'bearer' | 'session';
}

/** The request as guards and handlers see it once authentication has run (public routes: no user). */
export type AuthenticatedRequest = HttpRequest & { user?: Principal };
