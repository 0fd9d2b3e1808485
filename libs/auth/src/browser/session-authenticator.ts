import { Injectable } from '@nestjs/common';
import { AppError, FlowgateConfig, HttpRequest, RedisUnavailable } from '@flowgate/core';
import type { Principal } from '../principal/principal';
import { PrincipalResolver } from '../principal/principal-resolver';
import { TokenVerifier } from '../verification/token-verifier';
import type { FoundSession } from './browser-session';
import { BrowserSessions } from './browser-sessions';
import { clearCookie, readCookie } from './cookies';
import { assertSameOriginWrite } from './csrf';
import { MsalClients } from './msal-clients';
import { publicOriginOf } from './public-origin';

/** The request once a session authenticated it: `GET /auth/session` reads it. */
export type SessionRequest = HttpRequest & { browserSession?: FoundSession };

/**
 * Authenticates a request by its session cookie, ending in the same place as a bearer token:
 * the session's access token (MSAL's cache, renewed silently with the refresh token when it nears
 * expiry) verified by `TokenVerifier` and resolved by `PrincipalResolver`, so roles, step-up,
 * suspension and revocation follow the same rules. Revocations compare the sign-in time, since a
 * renewed token is always newer. Writes must pass the CSRF checks. Fails closed: when the session
 * store cannot be read (Redis down) the answer is 401, never a guess.
 */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly sessions: BrowserSessions,
    private readonly msal: MsalClients,
    private readonly tokens: TokenVerifier,
    private readonly principals: PrincipalResolver,
  ) {}

  /** The cookie's value, when browser sign-in is on and the request carries one. */
  cookieOf(req: HttpRequest): string | undefined {
    const browser = this.config.auth.browser;
    return browser.enabled ? readCookie(req.headers, browser.cookie.name) : undefined;
  }

  async authenticate(req: SessionRequest, id: string): Promise<Principal> {
    const found = await this.unlessStoreDown(() => this.sessions.find(id));
    if (!found) throw this.ended('session_expired', 'Your session has ended; sign in again.');
    const origin = publicOriginOf(req, this.config.auth.browser);
    assertSameOriginWrite(req, origin, found.session.csrfToken);
    const accessToken = await this.accessToken(found, origin);
    let principal: Principal;
    try {
      principal = await this.principals.resolve(await this.tokens.verify(accessToken), req, {
        via: 'session',
        authenticatedAtSeconds: found.session.authenticatedAtSeconds,
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'session_revoked') throw error;
      await this.sessions.destroy(found);
      throw this.ended('session_revoked', error.detail);
    }
    // Suspension ends the session too; the authorization guard answers this request (403).
    if (principal.status === 'suspended') await this.sessions.destroy(found);
    req.browserSession = found;
    return principal;
  }

  private async accessToken(found: FoundSession, origin: string): Promise<string> {
    const { account, cachePartition } = found.session;
    const client = await this.msal.client(origin, '', cachePartition);
    try {
      const result = await client.acquireTokenSilent({
        account: { ...account, name: undefined, idTokenClaims: undefined },
        scopes: [...this.config.auth.browser.scopes],
      });
      return result.accessToken;
    } catch (error) {
      if (isStoreDown(error)) throw storeDown();
      // No token and no usable refresh token: the provider's session is over, so is this one.
      await this.sessions.destroy(found);
      throw this.ended('session_expired', 'Your session has ended; sign in again.');
    }
  }

  private async unlessStoreDown<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch {
      // Whatever went wrong, a session that cannot be read is no session (fail closed).
      throw storeDown();
    }
  }

  /** The browser may forget the cookie: the session behind it is gone. */
  private ended(code: 'session_expired' | 'session_revoked', detail: string): AppError {
    const { name, secure } = this.config.auth.browser.cookie;
    return new AppError(code, detail, {
      headers: { 'Set-Cookie': clearCookie(name, secure) },
      extensions: { signInUrl: '/auth/login' },
    });
  }
}

function isStoreDown(error: unknown): boolean {
  return error instanceof RedisUnavailable || (error instanceof Error && error.cause instanceof RedisUnavailable);
}

function storeDown(): AppError {
  return new AppError('session_unavailable', 'Sessions cannot be checked right now; try again shortly.', {
    headers: { 'Retry-After': '5' },
  });
}
