import { Injectable } from '@nestjs/common';
import { AuthenticationResult, CryptoProvider } from '@azure/msal-node';
import { AppError, FlowgateConfig, HttpRequest } from '@flowgate/core';
import { randomBytes } from 'node:crypto';
import { PrincipalResolver } from '../principal/principal-resolver';
import { TokenVerifier } from '../verification/token-verifier';
import type { SessionAccount } from './browser-session';
import { BrowserSessions } from './browser-sessions';
import { readCookie } from './cookies';
import { IdTokenVerifier } from './id-token-verifier';
import { MsalClients, partitionKey } from './msal-clients';
import { publicOriginOf } from './public-origin';
import { checkedReturnTo } from './return-to';
import { sha256, SignInAttempts } from './sign-in-attempts';

/** What the controller turns into a redirect and cookies. */
export interface BrowserRedirect {
  readonly location: string;
  readonly cookies: readonly { name: string; value: string; maxAgeSeconds: number }[];
}

export interface CallbackQuery {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
}

const SIGN_IN_COOKIE_SECONDS = 600;

/**
 * Browser sign-in through MSAL Node (authorization code + PKCE, `state`, `nonce`). Starting it
 * stores the PKCE verifier and nonce server-side under the state and puts a random binding value
 * in a short-lived cookie, so a callback is accepted only in the browser that started it (a code
 * injected into another person's browser signs nobody in). Finishing it redeems the code with
 * MSAL, verifies the ID token, resolves the user exactly as a bearer token would, and starts a
 * session under a new id, ending any session the browser brought.
 */
@Injectable()
export class BrowserSignIn {
  private readonly pkce = new CryptoProvider();

  constructor(
    private readonly config: FlowgateConfig,
    private readonly msal: MsalClients,
    private readonly attempts: SignInAttempts,
    private readonly idTokens: IdTokenVerifier,
    private readonly tokens: TokenVerifier,
    private readonly principals: PrincipalResolver,
    private readonly sessions: BrowserSessions,
  ) {}

  get signInCookieName(): string {
    return this.config.auth.browser.cookie.secure ? '__Host-flowgate-sign-in' : 'flowgate-sign-in';
  }

  async start(req: HttpRequest, returnTo: string | undefined, stepUp: string | undefined): Promise<BrowserRedirect> {
    const browser = this.config.auth.browser;
    const origin = publicOriginOf(req, browser);
    const target = checkedReturnTo(returnTo, origin, browser.returnToOrigins);
    const { acrs, maxAgeSeconds } = this.config.auth.stepUp;
    if (stepUp !== undefined && stepUp !== acrs) {
      throw new AppError('sign_in_failed', `stepUp must be the authentication context "${acrs}".`);
    }
    const { verifier, challenge } = await this.pkce.generatePkceCodes();
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const binding = randomBytes(32).toString('base64url');
    await this.attempts.save(state, {
      bindingHash: sha256(binding),
      codeVerifier: verifier,
      nonce,
      returnTo: target,
      stepUp: stepUp !== undefined,
      origin,
    });
    const client = await this.msal.client(origin, 'sign-in');
    const url = await client.getAuthCodeUrl({
      scopes: [...browser.scopes],
      redirectUri: `${origin}/auth/callback`,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state,
      nonce,
      ...(stepUp !== undefined ? this.stepUpRequest(acrs, maxAgeSeconds) : {}),
    });
    return {
      location: url,
      cookies: [{ name: this.signInCookieName, value: binding, maxAgeSeconds: SIGN_IN_COOKIE_SECONDS }],
    };
  }

  async finish(req: HttpRequest, query: CallbackQuery): Promise<BrowserRedirect> {
    const browser = this.config.auth.browser;
    const origin = publicOriginOf(req, browser);
    if (query.error || !query.code || !query.state) throw failed('The identity provider did not sign you in.');
    const attempt = await this.attempts.take(query.state);
    const binding = readCookie(req.headers, this.signInCookieName);
    if (!attempt || !binding || sha256(binding) !== attempt.bindingHash || attempt.origin !== origin) {
      throw failed('This sign-in was not started in this browser, or has expired; sign in again.');
    }
    const salt = randomBytes(16).toString('base64url');
    const client = await this.msal.client(origin, salt);
    let result: AuthenticationResult;
    try {
      result = await client.acquireTokenByCode(
        {
          code: query.code,
          scopes: [...browser.scopes],
          redirectUri: `${origin}/auth/callback`,
          codeVerifier: attempt.codeVerifier,
          state: query.state,
          nonce: attempt.nonce,
        },
        { code: query.code, state: query.state, nonce: attempt.nonce },
      );
    } catch {
      throw failed('The sign-in code could not be redeemed; sign in again.');
    }
    if (!result.account) throw failed('The identity provider named no account.');
    const subject = await this.idTokens.verify(result.idToken, attempt.nonce);
    const verified = await this.tokens.verify(result.accessToken);
    if (verified.tenantId !== subject.tenantId || verified.objectId !== subject.objectId) {
      throw failed('The ID token and the access token name different people.');
    }
    const authenticatedAtSeconds = Math.floor(Date.now() / 1000);
    const principal = await this.principals.resolve(verified, req, { via: 'session', authenticatedAtSeconds });
    if (principal.status === 'suspended') {
      throw new AppError('user_suspended', 'Your account is suspended; contact an administrator.');
    }
    const account: SessionAccount = {
      homeAccountId: result.account.homeAccountId,
      environment: result.account.environment,
      tenantId: result.account.tenantId,
      username: result.account.username,
      localAccountId: result.account.localAccountId,
    };
    await this.endBroughtSession(req);
    const { id } = await this.sessions.create({
      userId: principal.userId,
      account,
      cachePartition: partitionKey(account.homeAccountId, salt),
      authenticatedAtSeconds,
      steppedUpAt: principal.stepUp.satisfied ? Date.now() : undefined,
    });
    const cookie = browser.cookie;
    return {
      location: attempt.returnTo,
      cookies: [
        { name: cookie.name, value: id, maxAgeSeconds: browser.absoluteTimeoutSeconds },
        { name: this.signInCookieName, value: '', maxAgeSeconds: 0 },
      ],
    };
  }

  /** Ends the browser's session (if any) and says where the identity provider signs out too. */
  async signOut(req: HttpRequest): Promise<{ endSessionUrl: string | undefined }> {
    await this.endBroughtSession(req);
    const origin = publicOriginOf(req, this.config.auth.browser);
    const metadata = await this.msal.endSessionEndpoint(origin);
    if (!metadata) return { endSessionUrl: undefined };
    const url = new URL(metadata);
    url.searchParams.set('post_logout_redirect_uri', `${origin}/app`);
    return { endSessionUrl: url.toString() };
  }

  /** A session id the browser already had never survives a sign-in: that would be fixation. */
  private async endBroughtSession(req: HttpRequest): Promise<void> {
    const id = readCookie(req.headers, this.config.auth.browser.cookie.name);
    if (!id) return;
    const found = await this.sessions.find(id);
    if (found) await this.sessions.destroy(found);
  }

  /** Entra asks for an authentication context with a claims request; other OIDC providers with `acr_values`. */
  private stepUpRequest(acrs: string, maxAgeSeconds: number | undefined) {
    const extraQueryParameters: Record<string, string> = { acr_values: acrs };
    if (maxAgeSeconds !== undefined) extraQueryParameters.max_age = String(maxAgeSeconds);
    return this.config.auth.browser.protocol === 'entra'
      ? { claims: JSON.stringify({ access_token: { acrs: { essential: true, value: acrs } } }), prompt: 'login' }
      : { extraQueryParameters, prompt: 'login' };
  }
}

function failed(detail: string): AppError {
  return new AppError('sign_in_failed', detail);
}
