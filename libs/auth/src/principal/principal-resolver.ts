import { Injectable } from '@nestjs/common';
import { AppError, callerBatchOf, ConfigError, FlowgateConfig, HttpRequest, routeTemplateOf } from '@flowgate/core';
import { AccessDenials } from '../denials/access-denials';
import { evaluateStepUp, stepUpClaimsOf } from '../step-up/step-up';
import { StepUpPolicy, stepUpPolicyProblems } from '../step-up/step-up-policy';
import { bearerChallenge } from '../step-up/www-authenticate';
import type { VerifiedToken } from '../verification/verified-token';
import { displayClaims } from './display-claims';
import type { Principal, RoleSource } from './principal';
import { PrincipalDirectory } from './principal-directory';
import { RoleMapping } from './role-mapping';

/** How the caller presented the verified token, and the instant revocations are compared with. */
export interface PresentedCredential {
  readonly via: 'bearer' | 'session';
  /**
   * Bearer: the token's `iat`. Session: the sign-in that started it, since the session's access
   * tokens are renewed silently and a renewed token is newer than any revocation.
   */
  readonly authenticatedAtSeconds: number;
}

/**
 * From a verified access token to the request's principal, whoever presented it: the user found
 * (or provisioned) in the directory, revocations, roles from the token and from grants, step-up.
 * Bearer tokens and browser sessions both go through here, so the rules cannot drift apart.
 */
@Injectable()
export class PrincipalResolver {
  private readonly stepUpPolicy: StepUpPolicy;

  constructor(
    private readonly directory: PrincipalDirectory,
    private readonly roleMapping: RoleMapping,
    private readonly denials: AccessDenials,
    config: FlowgateConfig,
  ) {
    this.stepUpPolicy = {
      ...config.auth.stepUp,
      authorizationUri: `${config.auth.entra.authorityHost}/common/oauth2/authorize`,
    };
    const problems = stepUpPolicyProblems(this.stepUpPolicy);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `AUTH_STEP_UP_* ${problem}`));
  }

  async resolve(verified: VerifiedToken, req: HttpRequest, credential: PresentedCredential): Promise<Principal> {
    const { claims } = verified;
    const { displayName, email } = displayClaims(claims);
    const fromToken = this.roleMapping.rolesFromClaims({ roles: claims.roles, groups: claims.groups });
    const entry = await this.directory.resolve(
      {
        tenantId: verified.tenantId,
        objectId: verified.objectId,
        displayName,
        email,
        tokenRoles: [...new Set(fromToken.map((entry) => entry.role))],
      },
      callerBatchOf(req),
    );
    const authenticatedAt = new Date(credential.authenticatedAtSeconds * 1000);
    if (
      entry.sessionsRevokedBefore &&
      issuedBeforeRevocation(credential.authenticatedAtSeconds, entry.sessionsRevokedBefore)
    ) {
      // A revoked session still in use may be a stolen token: worth an audit event.
      await this.denials.record({
        principal: { tenantId: verified.tenantId, objectId: verified.objectId, displayName },
        action: 'access.denied',
        resource: { type: 'route', id: `${req.method} ${routeTemplateOf(req)}` },
        reason: 'session_revoked',
        detail: { tokenIssuedAt: authenticatedAt.toISOString(), via: credential.via },
      });
      throw new AppError('session_revoked', 'This session was revoked; sign in again.', {
        headers: {
          'WWW-Authenticate': bearerChallenge({
            error: 'invalid_token',
            error_description: 'The session was revoked.',
          }),
        },
      });
    }
    const roleSources: RoleSource[] = [...fromToken, ...entry.grantedRoles.map((role) => ({ role, source: 'grant' }))];
    return {
      userId: entry.userId,
      tenantId: verified.tenantId,
      objectId: verified.objectId,
      displayName,
      email,
      status: entry.status,
      roles: [...new Set(roleSources.map((source) => source.role))],
      roleSources,
      stepUp: evaluateStepUp(
        stepUpClaimsOf(verified.issuerKind, claims),
        this.stepUpPolicy,
        Math.floor(Date.now() / 1000),
      ),
      tokenIssuedAt: new Date(verified.issuedAtSeconds * 1000),
      tokenExpiresAt: new Date(verified.expiresAtMs),
      via: credential.via,
    };
  }
}

/**
 * `iat` has one-second resolution, so compare in whole seconds: a token from the second of the
 * revocation itself is accepted (it may be the fresh sign-in that follows a "sign out
 * everywhere"); every token from an earlier second is rejected.
 */
function issuedBeforeRevocation(issuedAtSeconds: number, revokedBefore: string): boolean {
  return issuedAtSeconds < Math.floor(new Date(revokedBefore).getTime() / 1000);
}
