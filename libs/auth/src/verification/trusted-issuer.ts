import type { AuthConfig } from '@flowgate/core';

export type IssuerKind = 'entra-v2' | 'entra-v1' | 'oidc' | 'development';

/** An issuer whose tokens the API accepts, and where to find its keys. */
export interface TrustedIssuerSpec {
  /** The exact `iss` value. */
  readonly issuer: string;
  readonly kind: IssuerKind;
  /** OIDC discovery document; absent for the in-process development issuer. */
  readonly discoveryUrl?: string;
  /** Entra: the token's `tid` must equal this (the tenant in the issuer URL). */
  readonly tenantId?: string;
}

/**
 * Expands configuration into the exact issuers to trust. Entra is a configuration of plain OIDC:
 * one v2 issuer per allowed tenant (and a v1 issuer when enabled), each with its own discovery
 * document, so a token's `tid` can be checked against the tenant its issuer names.
 */
export function trustedIssuerSpecs(auth: AuthConfig): TrustedIssuerSpec[] {
  const { authorityHost, v1IssuerHost, tenantIds, acceptV1Tokens } = auth.entra;
  const specs: TrustedIssuerSpec[] = [];
  for (const tenantId of tenantIds) {
    specs.push({
      issuer: `${authorityHost}/${tenantId}/v2.0`,
      kind: 'entra-v2',
      discoveryUrl: `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`,
      tenantId,
    });
    if (acceptV1Tokens) {
      specs.push({
        issuer: `${v1IssuerHost}/${tenantId}/`,
        kind: 'entra-v1',
        discoveryUrl: `${authorityHost}/${tenantId}/.well-known/openid-configuration`,
        tenantId,
      });
    }
  }
  for (const issuer of auth.oidcIssuers) {
    const base = issuer.replace(/\/+$/, '');
    specs.push({ issuer, kind: 'oidc', discoveryUrl: `${base}/.well-known/openid-configuration` });
  }
  if (auth.devIdentityProvider.enabled) {
    specs.push({ issuer: auth.devIdentityProvider.issuer, kind: 'development' });
  }
  return specs;
}
