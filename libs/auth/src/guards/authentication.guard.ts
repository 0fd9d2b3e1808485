import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '@flowgate/core';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { bearerChallenge } from '../step-up/www-authenticate';
import { BEARER_JWT } from './bearer-jwt.strategy';

/**
 * First global guard: every route requires a valid bearer token unless marked `@Public()`. Deny
 * by default, so a route someone forgot to annotate is protected, not exposed.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(BEARER_JWT) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (isPublic(this.reflector, context)) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new Error('Authentication failed');
    if (!user) {
      throw new AppError('unauthenticated', 'Authentication is required.', {
        headers: { 'WWW-Authenticate': bearerChallenge({}) },
      });
    }
    return user;
  }
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) === true;
}
