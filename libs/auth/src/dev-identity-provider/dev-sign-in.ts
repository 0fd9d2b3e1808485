import { Injectable } from '@nestjs/common';
import { AppError, Cache, FlowgateConfig } from '@flowgate/core';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DevAuthorizationRequestDto, DevSignInAnswerDto } from './dev-authorization-request';
import { DevIdentityProvider, DevSignedInUser } from './dev-identity-provider';

/** An authorization request waiting for the person at the login page. */
export interface PendingSignIn {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string | undefined;
  readonly codeChallenge: string;
  /** The client asked for a step-up (`acr_values` or a `claims` challenge): the page ticks MFA. */
  readonly stepUpAsked: boolean;
}

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly nonce: string | undefined;
  readonly codeChallenge: string;
  readonly who: DevSignedInUser;
}

interface IssuedRefreshToken {
  readonly clientId: string;
  readonly who: DevSignedInUser;
}

/** A token endpoint's answer, as the OAuth 2.0 spec writes it (status and JSON body). */
export interface TokenEndpointAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const PENDING_TTL_MS = 10 * 60_000;
const CODE_TTL_MS = 60_000;
const REFRESH_TTL_MS = 24 * 3_600_000;
const ACCESS_TOKEN_SECONDS = 3600;
// Loopback only: the development issuer never sends a code to another machine.
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * The development issuer's sign-in: authorization code with PKCE (S256 only), `state` passed back,
 * `nonce` put in the ID token, single-use codes bound to the client, its redirect URI and the
 * challenge; refresh tokens that keep the original sign-in's time and MFA. Pending requests, codes
 * and refresh tokens live in the shared cache (Redis, or memory in development), so any instance
 * can redeem what another issued. Codes and refresh tokens are stored by their hash.
 */
@Injectable()
export class DevSignIn {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly provider: DevIdentityProvider,
    private readonly cache: Cache,
  ) {}

  /** Checks the request and keeps it for the page; the id is what the page's form sends back. */
  async begin(query: DevAuthorizationRequestDto): Promise<{ id: string; pending: PendingSignIn }> {
    if (query.client_id !== this.client.id || !isLoopbackCallback(query.redirect_uri)) {
      // Never redirect an error to an unregistered URI: that would make this an open redirector.
      throw new AppError('sign_in_failed', 'Unknown client or redirect URI.');
    }
    if (!query.scope.split(' ').includes('openid')) {
      throw new AppError('sign_in_failed', 'The scope must include openid.');
    }
    const pending: PendingSignIn = {
      clientId: query.client_id,
      redirectUri: query.redirect_uri,
      state: query.state,
      nonce: query.nonce,
      codeChallenge: query.code_challenge,
      stepUpAsked: query.acr_values !== undefined || asksForAuthenticationContext(query.claims),
    };
    const id = randomBytes(24).toString('base64url');
    await this.cache.set(pendingKey(id), pending, PENDING_TTL_MS);
    return { id, pending };
  }

  pending(id: string): Promise<PendingSignIn | undefined> {
    return this.cache.get<PendingSignIn>(pendingKey(id));
  }

  /** The person chose who they are: a single-use code, back to the client with its `state`. */
  async approve(answer: DevSignInAnswerDto): Promise<string> {
    const pending = await this.pending(answer.request);
    if (!pending) throw new AppError('sign_in_failed', 'This sign-in request has expired; start again.');
    await this.cache.delete(pendingKey(answer.request));
    const roles = answer.roles === undefined ? [] : [answer.roles].flat();
    const who: DevSignedInUser = {
      user: answer.user,
      roles,
      stepUp: answer.mfa === 'on',
      authTime: Math.floor(Date.now() / 1000),
    };
    const code = randomBytes(32).toString('base64url');
    const issued: IssuedCode = { ...pending, who };
    await this.cache.set(codeKey(code), issued, CODE_TTL_MS);
    const target = new URL(pending.redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', pending.state);
    return target.toString();
  }

  /** `POST /token` with a form body: `authorization_code` or `refresh_token`. */
  async redeem(form: URLSearchParams): Promise<TokenEndpointAnswer> {
    if (!this.clientAuthenticated(form)) return oauthError('invalid_client', 401);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') return this.redeemCode(form);
    if (grant === 'refresh_token') return this.redeemRefreshToken(form);
    return oauthError('unsupported_grant_type');
  }

  /** Where the end-session endpoint may send the browser back to: the client's own loopback origin. */
  isAllowedPostLogoutRedirect(uri: string): boolean {
    return originOf(uri) !== undefined && LOOPBACK_ORIGIN.test(originOf(uri)!);
  }

  private get client() {
    return this.config.auth.devIdentityProvider.client;
  }

  private async redeemCode(form: URLSearchParams): Promise<TokenEndpointAnswer> {
    const code = form.get('code') ?? '';
    const issued = await this.cache.get<IssuedCode>(codeKey(code));
    // Single use: gone before anything else is checked, so a replay finds nothing.
    await this.cache.delete(codeKey(code));
    if (!issued || issued.clientId !== form.get('client_id') || issued.redirectUri !== form.get('redirect_uri')) {
      return oauthError('invalid_grant');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge) {
      return oauthError('invalid_grant');
    }
    return this.tokens(issued.clientId, issued.who, issued.nonce, form.get('scope'));
  }

  private async redeemRefreshToken(form: URLSearchParams): Promise<TokenEndpointAnswer> {
    const token = form.get('refresh_token') ?? '';
    const issued = await this.cache.get<IssuedRefreshToken>(refreshKey(token));
    if (!issued || issued.clientId !== form.get('client_id')) return oauthError('invalid_grant');
    // Rotated, as a careful provider does: the old refresh token stops working once used.
    await this.cache.delete(refreshKey(token));
    return this.tokens(issued.clientId, issued.who, undefined, form.get('scope'));
  }

  private async tokens(
    clientId: string,
    who: DevSignedInUser,
    nonce: string | undefined,
    scope: string | null,
  ): Promise<TokenEndpointAnswer> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.cache.set<IssuedRefreshToken>(refreshKey(refreshToken), { clientId, who }, REFRESH_TTL_MS);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: scope ?? '',
        expires_in: ACCESS_TOKEN_SECONDS,
        access_token: await this.provider.mintAccessToken(who, { expiresInSeconds: ACCESS_TOKEN_SECONDS }),
        id_token: await this.provider.mintIdToken(who, clientId, nonce),
        refresh_token: refreshToken,
      },
    };
  }

  private clientAuthenticated(form: URLSearchParams): boolean {
    const id = form.get('client_id');
    const secret = Buffer.from(form.get('client_secret') ?? '');
    const expected = Buffer.from(this.client.secret);
    return id === this.client.id && secret.length === expected.length && timingSafeEqual(secret, expected);
  }
}

function isLoopbackCallback(uri: string): boolean {
  const origin = originOf(uri);
  return origin !== undefined && LOOPBACK_ORIGIN.test(origin) && uri === `${origin}/auth/callback`;
}

/** An Entra-style claims request for an authentication context (`{"access_token":{"acrs":…}}`). */
function asksForAuthenticationContext(claims: string | undefined): boolean {
  if (claims === undefined) return false;
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: unknown } };
    return parsed.access_token?.acrs !== undefined;
  } catch {
    return false;
  }
}

function originOf(uri: string): string | undefined {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

function oauthError(error: string, status = 400): TokenEndpointAnswer {
  return { status, body: { error } };
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
const pendingKey = (id: string) => `dev-idp:pending:${id}`;
const codeKey = (code: string) => `dev-idp:code:${digest(code)}`;
const refreshKey = (token: string) => `dev-idp:refresh:${digest(token)}`;
