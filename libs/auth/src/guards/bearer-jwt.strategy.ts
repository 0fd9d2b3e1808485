import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppError, HttpRequest } from '@flowgate/core';
import { Strategy } from 'passport-custom';
import type { Principal } from '../principal/principal';
import { PrincipalResolver } from '../principal/principal-resolver';
import { bearerChallenge } from '../step-up/www-authenticate';
import { TokenVerifier } from '../verification/token-verifier';
import { bearerTokenFrom } from './bearer-token';

export const BEARER_JWT = 'bearer-jwt';

/**
 * The Passport strategy behind every bearer-authenticated request: verify the JWT (jose), then
 * resolve the caller (`PrincipalResolver`: directory, provisioning, revocation, roles, step-up).
 */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(Strategy, BEARER_JWT) {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly principals: PrincipalResolver,
  ) {
    super();
  }

  async validate(req: HttpRequest): Promise<Principal> {
    const token = bearerTokenFrom(req.headers);
    if (!token) {
      throw new AppError('unauthenticated', 'Send an access token: Authorization: Bearer <token>.', {
        headers: { 'WWW-Authenticate': bearerChallenge({}) },
      });
    }
    const verified = await this.verifier.verify(token);
    return this.principals.resolve(verified, req, { via: 'bearer', authenticatedAtSeconds: verified.issuedAtSeconds });
  }
}
