import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, HttpReply, HttpRequest } from '@flowgate/core';
import passport from 'passport';
import { IS_PUBLIC } from '../decorators/public.decorator';
import type { AuthenticatedRequest, Principal } from '../principal/principal';
import { bearerChallenge } from '../step-up/www-authenticate';
import { KeysUnavailable } from '../verification/key-source';
import { SessionAuthenticator } from '../browser/session-authenticator';
import { BearerJwtStrategy } from './bearer-jwt.strategy';
import { FailedAuthentications } from './failed-authentications';

/**
 * First global guard: every route requires a valid bearer token or browser session unless marked
 * `@Public()`. Deny by default, so a route someone forgot to annotate is protected, not exposed.
 * An `Authorization` header always decides (a bearer client is never judged by a cookie it happens
 * to carry); without one, the session cookie (`SessionAuthenticator`).
 *
 * It runs this app's own Passport strategy object rather than looking it up by name, as
 * `@nestjs/passport`'s `AuthGuard` does: Passport's name registry is process-wide, so with two
 * apps in one process (the multi-instance tests) every app would authenticate with whichever
 * strategy registered last. A fresh object per request, because Passport attaches each
 * request's callbacks to the strategy object it is given.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: BearerJwtStrategy,
    private readonly failures: FailedAuthentications,
    private readonly sessions: SessionAuthenticator,
  ) {}

  /** A public route is answered at once, without a promise (see `GlobalGuards.canActivate`). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return isPublic(this.reflector, context) || this.authenticateCaller(context);
  }

  private async authenticateCaller(context: ExecutionContext): Promise<true> {
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    try {
      req.user = await this.authenticate(req, http.getResponse<HttpReply>());
    } catch (error) {
      // Failed attempts draw on the client's budget for unauthenticated traffic; over it, 429.
      if (isFailedAuthentication(error)) throw (await this.failures.record(req)) ?? error;
      throw error;
    }
    return true;
  }

  private authenticate(req: HttpRequest, res: HttpReply): Promise<Principal> {
    const sessionId = req.headers.authorization === undefined ? this.sessions.cookieOf(req) : undefined;
    if (sessionId !== undefined) return this.sessions.authenticate(req, sessionId);
    return new Promise<Principal>((resolve, reject) => {
      const strategy = Object.create(this.strategy) as BearerJwtStrategy;
      const authenticate = passport.authenticate(
        strategy,
        { session: false },
        (error: unknown, user: Principal | false) => {
          try {
            resolve(principalOrThrow(error, user));
          } catch (thrown) {
            reject(thrown instanceof Error ? thrown : new Error('Authentication failed'));
          }
        },
      ) as (req: HttpRequest, res: HttpReply, next: (error?: unknown) => void) => void;
      authenticate(req, res, (error?: unknown) =>
        reject(error instanceof Error ? error : new Error('Authentication failed')),
      );
    });
  }
}

function principalOrThrow(error: unknown, user: Principal | false): Principal {
  if (error instanceof Error) throw error;
  if (error) throw new Error('Authentication failed');
  if (!user) {
    throw new AppError('unauthenticated', 'Authentication is required.', {
      headers: { 'WWW-Authenticate': bearerChallenge({}) },
    });
  }
  return user;
}

/**
 * A 401 of any kind, and the 503 for a token whose issuer's keys cannot be fetched: nobody can
 * tell that token from a forged one, and without a budget a client could keep the API answering
 * (and logging) refusals as fast as it sends them while the identity provider is down.
 */
function isFailedAuthentication(error: unknown): error is AppError {
  return error instanceof AppError && (error.status === 401 || error.cause instanceof KeysUnavailable);
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) === true;
}
