import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppError, ConfigError, FlowgateConfig, HttpRequest, routeTemplateOf } from '@flowgate/core';
import { Strategy } from 'passport-custom';
import { AccessDenials } from '../denials/access-denials';
import { displayClaims } from '../principal/display-claims';
import { PrincipalDirectory } from '../principal/principal-directory';
import type { Principal, RoleSource } from '../principal/principal';
import { RoleMapping } from '../principal/role-mapping';
import { evaluateStepUp, stepUpClaimsOf } from '../step-up/step-up';
import { StepUpPolicy, stepUpPolicyProblems } from '../step-up/step-up-policy';
import { bearerChallenge } from '../step-up/www-authenticate';
import { TokenVerifier } from '../verification/token-verifier';
import { bearerTokenFrom } from './bearer-token';

export const BEARER_JWT = 'bearer-jwt';

/**
 * The Passport strategy behind every authenticated route: verify the bearer JWT (jose), then
 * resolve the caller in the user directory (provisioning on first sight) and reject tokens
 * issued before a session revocation.
 */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(Strategy, BEARER_JWT) {
  private readonly stepUpPolicy: StepUpPolicy;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly directory: PrincipalDirectory,
    private readonly roleMapping: RoleMapping,
    private readonly denials: AccessDenials,
    config: FlowgateConfig,
  ) {
    super();
    this.stepUpPolicy = {
      ...config.auth.stepUp,
      authorizationUri: `${config.auth.entra.authorityHost}/common/oauth2/authorize`,
    };
    const problems = stepUpPolicyProblems(this.stepUpPolicy);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `AUTH_STEP_UP_* ${problem}`));
  }

  async validate(req: HttpRequest): Promise<Principal> {
    const token = bearerTokenFrom(req.headers);
    if (!token) {
      throw new AppError('unauthenticated', 'Send an access token: Authorization: Bearer <token>.', {
        headers: { 'WWW-Authenticate': bearerChallenge({}) },
      });
    }
    const verified = await this.verifier.verify(token);
    const { claims } = verified;
    const { displayName, email } = displayClaims(claims);
    const fromToken = this.roleMapping.rolesFromClaims({ roles: claims.roles, groups: claims.groups });
    const entry = await this.directory.resolve({
      tenantId: verified.tenantId,
      objectId: verified.objectId,
      displayName,
      email,
      tokenRoles: [...new Set(fromToken.map((entry) => entry.role))],
    });
    const issuedAt = new Date(verified.issuedAtSeconds * 1000);
    if (entry.sessionsRevokedBefore && issuedBeforeRevocation(verified.issuedAtSeconds, entry.sessionsRevokedBefore)) {
      // A revoked session still in use may be a stolen token: worth an audit event.
      await this.denials.record({
        principal: { tenantId: verified.tenantId, objectId: verified.objectId, displayName },
        action: 'access.denied',
        resource: { type: 'route', id: `${req.method} ${routeTemplateOf(req)}` },
        reason: 'session_revoked',
        detail: { tokenIssuedAt: issuedAt.toISOString() },
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
      tokenIssuedAt: issuedAt,
      tokenExpiresAt: new Date(verified.expiresAtMs),
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
