import { Injectable } from '@nestjs/common';
import { FlowgateConfig, Metrics } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { Gauge } from 'prom-client';
import { DevIdentityProvider } from '../dev-identity-provider/dev-identity-provider';
import type { KeySource } from './key-source';
import { RemoteKeySet } from './remote-key-set';
import { IssuerKind, TrustedIssuerSpec, trustedIssuerSpecs } from './trusted-issuer';

export type TrustedIssuer = TrustedIssuerSpec & { readonly keys: KeySource };

/** The issuers this deployment trusts, looked up by a token's exact `iss`. */
@Injectable()
export class IssuerRegistry {
  private readonly byIssuer = new Map<string, TrustedIssuer>();

  constructor(config: FlowgateConfig, devIdentityProvider: DevIdentityProvider, metrics: Metrics, logger: PinoLogger) {
    logger.setContext(IssuerRegistry.name);
    const { jwksRefreshCooldownMs, jwksMaxAgeMs } = config.auth;
    for (const spec of trustedIssuerSpecs(config.auth)) {
      const keys: KeySource = spec.discoveryUrl
        ? new RemoteKeySet({
            discoveryUrl: spec.discoveryUrl,
            issuer: spec.issuer,
            refreshCooldownMs: jwksRefreshCooldownMs,
            maxAgeMs: jwksMaxAgeMs,
            // At most one line per issuer and cooldown: fetches are rate-limited, so are these.
            onFetchFailed: (error) =>
              logger.warn({ err: error, issuer: spec.issuer }, 'Fetching the signing keys of an issuer failed'),
          })
        : devIdentityProvider;
      this.byIssuer.set(spec.issuer, { ...spec, keys });
    }
    const all = () => this.all();
    new Gauge({
      name: 'auth_jwks_age_seconds',
      help:
        'Seconds since the oldest key set of each issuer kind was last fetched (grows while an identity ' +
        'provider is unreachable; the log names the issuer)',
      // The kind, not the issuer: Entra issuer URLs carry tenant ids, which a scrape need not show.
      labelNames: ['issuer_kind'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        const oldest = new Map<IssuerKind, number>();
        for (const issuer of all()) {
          const ageMs = issuer.keys.ageMs;
          if (Number.isFinite(ageMs)) oldest.set(issuer.kind, Math.max(ageMs, oldest.get(issuer.kind) ?? 0));
        }
        for (const [kind, ageMs] of oldest) this.set({ issuer_kind: kind }, ageMs / 1000);
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
