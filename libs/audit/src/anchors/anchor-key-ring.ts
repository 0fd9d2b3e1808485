import { Injectable } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { FlowgateConfig } from '@flowgate/core';
import type { KeyLike } from 'jose';
import { type AnchorPublicJwk, jwkThumbprint, toPublicJwk } from './anchor.config';
import { AuditAnchorsRepository } from './audit-anchors.repository';

export interface AnchorSigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
}

/**
 * The key anchors are signed with, and the public keys anyone may verify them with.
 *
 * Production signs with the configured key and publishes only configured keys (the current one
 * and the retired ones): the database is what anchors guard against, so it must not be able to
 * add a key of its own to the published set. Outside production, with no key configured, each
 * process generates a key pair on first use and keeps the private half in memory only; its public
 * half goes to `audit_anchor_keys`, so that exports signed before a restart still verify and the
 * API (another process, or another Nest context in the same one) can publish it.
 */
@Injectable()
export class AnchorKeyRing {
  private generated: Promise<AnchorSigningKey> | undefined;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly repository: AuditAnchorsRepository,
  ) {}

  signingKey(): Promise<AnchorSigningKey> {
    const configured = this.config.audit.anchors.signingKey;
    if (configured) return Promise.resolve({ kid: configured.kid, privateKey: createPrivateKey(configured.privateKeyPem) }); // prettier-ignore
    this.generated ??= this.generate().catch((error: unknown) => {
      this.generated = undefined;
      throw error;
    });
    return this.generated;
  }

  /** Every public key whose anchors may still be in someone's export, as a JWKS. */
  async publishedKeys(): Promise<AnchorPublicJwk[]> {
    const { signingKey, retiredKeys } = this.config.audit.anchors;
    const configured = [...(signingKey ? [signingKey.publicJwk] : []), ...retiredKeys];
    if (this.config.app.environment === 'production') return configured;
    const registered = await this.repository.registeredKeys();
    return [...configured, ...registered.filter((key) => !configured.some(({ kid }) => kid === key.kid))];
  }

  private async generate(): Promise<AnchorSigningKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const parts = publicKey.export({ format: 'jwk' });
    const kid = `dev-${jwkThumbprint(parts.x!, parts.y!)}`;
    // Published before it signs anything: an anchor must never name a key nobody can fetch.
    await this.repository.registerKey(toPublicJwk(parts, kid));
    return { kid, privateKey };
  }
}
