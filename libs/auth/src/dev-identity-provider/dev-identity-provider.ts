import { Injectable, OnModuleInit } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { JWSHeaderParameters, KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { KeyNotFound, KeySource } from '../verification/key-source';
import { DEV_TENANT_ID, devObjectId } from './dev-identity';
import { DevSigningKey, loadOrCreateDevSigningKey } from './dev-signing-key';
import type { DevTokenRequest } from './dev-token-request';

/**
 * A local OpenID Connect issuer for development and tests: it signs Entra-shaped access tokens
 * with its own key and publishes its discovery document and JWKS. The verifier handles its tokens
 * exactly like any other issuer's (issuer, audience, lifetime, RS256 signature); only the key
 * lookup is in memory instead of over HTTP, since the app cannot fetch from itself while booting.
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
      token_endpoint: `${this.issuer}/token`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
    };
  }

  async mint(request: DevTokenRequest): Promise<string> {
    const key = await this.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const oid = devObjectId(request.user);
    const { stepUp } = this.config.auth;
    return new SignJWT({
      ver: '2.0',
      tid: DEV_TENANT_ID,
      oid,
      name: request.user,
      preferred_username: `${request.user}@flowgate.dev`,
      email: `${request.user}@flowgate.dev`,
      scp: 'access_as_user',
      roles: [...(request.roles ?? [])],
      uti: randomUUID(),
      ...(request.stepUp ? { acrs: [stepUp.acrs], amr: ['pwd', 'mfa'], auth_time: now } : { amr: ['pwd'] }),
      ...(request.claimsChallengeCapable ? { xms_cc: ['cp1'] } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(this.issuer)
      .setAudience(this.config.auth.audiences[0])
      .setSubject(oid)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (request.expiresInSeconds ?? 3600))
      .sign(key.privateKey);
  }

  private async signingKey(): Promise<DevSigningKey> {
    this.key ??= await loadOrCreateDevSigningKey(this.config.auth.devIdentityProvider.keyDir);
    return this.key;
  }
}
