import { Injectable } from '@nestjs/common';
import { FlowgateConfig, Metrics } from '@flowgate/core';
import { Gauge } from 'prom-client';
import { DevIdentityProvider } from '../dev-identity-provider/dev-identity-provider';
import type { KeySource } from './key-source';
import { RemoteKeySet } from './remote-key-set';
import { TrustedIssuerSpec, trustedIssuerSpecs } from './trusted-issuer';

export type TrustedIssuer = TrustedIssuerSpec & { readonly keys: KeySource };

/** The issuers this deployment trusts, looked up by a token's exact `iss`. */
@Injectable()
export class IssuerRegistry {
  private readonly byIssuer = new Map<string, TrustedIssuer>();

  constructor(config: FlowgateConfig, devIdentityProvider: DevIdentityProvider, metrics: Metrics) {
    const { jwksRefreshCooldownMs, jwksMaxAgeMs } = config.auth;
    for (const spec of trustedIssuerSpecs(config.auth)) {
      const keys: KeySource = spec.discoveryUrl
        ? new RemoteKeySet({
            discoveryUrl: spec.discoveryUrl,
            issuer: spec.issuer,
            refreshCooldownMs: jwksRefreshCooldownMs,
            maxAgeMs: jwksMaxAgeMs,
          })
        : devIdentityProvider;
      this.byIssuer.set(spec.issuer, { ...spec, keys });
    }
    const all = () => this.all();
    new Gauge({
      name: 'auth_jwks_age_seconds',
      help: 'Seconds since each issuer key set was last fetched (grows while an identity provider is unreachable)',
      labelNames: ['issuer'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const issuer of all()) {
          const ageMs = issuer.keys.ageMs;
          if (Number.isFinite(ageMs)) this.set({ issuer: issuer.issuer }, ageMs / 1000);
        }
      },
    });
  }

  find(issuer: unknown): TrustedIssuer | undefined {
    return typeof issuer === 'string' ? this.byIssuer.get(issuer) : undefined;
  }

  all(): TrustedIssuer[] {
    return [...this.byIssuer.values()];
  }
}
