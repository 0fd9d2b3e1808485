import { Injectable, OnModuleInit } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { JWSHeaderParameters, JWTPayload, KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { KeyNotFound, KeySource } from '../verification/key-source';
import { DEV_TENANT_ID, devObjectId } from './dev-identity';
import { DevSigningKey, loadOrCreateDevSigningKey } from './dev-signing-key';
import type { DevTokenRequest } from './dev-token-request';

/** Who signed in at the development sign-in page, as the tokens it mints describe them. */
export interface DevSignedInUser {
  readonly user: string;
  readonly roles: readonly string[];
  /** Signed in with "MFA": the step-up authentication context and its time. */
  readonly stepUp: boolean;
  /** Seconds since the epoch, the sign-in itself (`auth_time`); refreshed tokens keep it. */
  readonly authTime: number;
}

/**
 * A local OpenID Connect issuer for development and tests: it signs Entra-shaped access tokens
 * (and, for the sign-in page, ID tokens) with its own key and publishes its discovery document and
 * JWKS. The verifier handles its tokens exactly like any other issuer's (issuer, audience,
 * lifetime, RS256 signature); only the key lookup is in memory instead of over HTTP, since the app
 * cannot fetch from itself while booting.
 */
@Injectable()
export class DevIdentityProvider implements OnModuleInit, KeySource {
  private key: DevSigningKey | undefined;
  readonly ageMs = 0;

  constructor(private readonly config: FlowgateConfig) {}

  get issuer(): string {
    return this.config.auth.devIdentityProvider.issuer;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.auth.devIdentityProvider.enabled) await this.signingKey();
  }

  async keyFor(header: JWSHeaderParameters): Promise<KeyLike> {
    const key = await this.signingKey();
    if (header.kid !== key.kid) throw new KeyNotFound('unknown key');
    return key.publicKey;
  }

  hasKey(kid: string): boolean {
    return this.key?.kid === kid;
  }

  async jwks(): Promise<{ keys: object[] }> {
    return { keys: [(await this.signingKey()).publicJwk] };
  }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/jwks`,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      end_session_endpoint: `${this.issuer}/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'token'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'offline_access'],
      claims_parameter_supported: true,
      subject_types_supported: ['public'],
    };
  }

  /** An access token straight from a JSON request (`npm run token`, tests). */
  mint(request: DevTokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.mintAccessToken(
      { user: request.user, roles: request.roles ?? [], stepUp: request.stepUp ?? false, authTime: now },
      { expiresInSeconds: request.expiresInSeconds, claimsChallengeCapable: request.claimsChallengeCapable },
    );
  }

  /** An access token for Flowgate's API, as Entra would issue it to the signed-in user. */
  mintAccessToken(
    who: DevSignedInUser,
    options: { expiresInSeconds?: number; claimsChallengeCapable?: boolean } = {},
  ): Promise<string> {
    return this.sign(
      {
        ...this.identityClaims(who),
        scp: 'access_as_user',
        roles: [...who.roles],
        uti: randomUUID(),
        ...(options.claimsChallengeCapable ? { xms_cc: ['cp1'] } : {}),
      },
      this.config.auth.audiences[0],
      options.expiresInSeconds ?? 3600,
    );
  }

  /** The ID token of a sign-in: for the client (`aud`), bound to its request by `nonce`. */
  mintIdToken(who: DevSignedInUser, clientId: string, nonce: string | undefined): Promise<string> {
    return this.sign({ ...this.identityClaims(who), ...(nonce ? { nonce } : {}) }, clientId, 3600);
  }

  private identityClaims(who: DevSignedInUser): JWTPayload {
    const { acrs } = this.config.auth.stepUp;
    return {
      ver: '2.0',
      tid: DEV_TENANT_ID,
      oid: devObjectId(who.user),
      name: who.user,
      preferred_username: `${who.user}@flowgate.dev`,
      email: `${who.user}@flowgate.dev`,
      ...(who.stepUp ? { acrs: [acrs], amr: ['pwd', 'mfa'], auth_time: who.authTime } : { amr: ['pwd'] }),
    };
  }

  private async sign(claims: JWTPayload, audience: string, expiresInSeconds: number): Promise<string> {
    const key = await this.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setSubject(String(claims.oid))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + expiresInSeconds)
      .sign(key.privateKey);
  }

  private async signingKey(): Promise<DevSigningKey> {
    this.key ??= await loadOrCreateDevSigningKey(this.config.auth.devIdentityProvider.keyDir);
    return this.key;
  }
}
