import { ConfigError } from '@flowgate/core';
import type { AuthConfig } from '../config/auth.config';
import { DEV_TENANT_ID } from '../dev-identity-provider/dev-identity';

export type IssuerKind = 'entra-v2' | 'entra-v1' | 'oidc' | 'development';

/** Issuers whose tokens are Entra-shaped: the user is their tenant's `oid`. */
export type TenantIssuerKind = Exclude<IssuerKind, 'oidc'>;

interface IssuerSpecBase {
  /** The exact `iss` value. */
  readonly issuer: string;
  /** OIDC discovery document; absent for the in-process development issuer. */
  readonly discoveryUrl?: string;
}

/** Entra v2/v1, or the development issuer (which signs Entra-shaped tokens for DEV_TENANT_ID). */
export interface TenantIssuerSpec extends IssuerSpecBase {
  readonly kind: TenantIssuerKind;
  /** The tenant in the issuer URL, lower case: the token's `tid` must equal it, and it is the users' source. */
  readonly tenantId: string;
}

/** Any other OIDC provider: the issuer itself is the users' source and `sub` the subject. */
export interface OidcIssuerSpec extends IssuerSpecBase {
  readonly kind: 'oidc';
  readonly discoveryUrl: string;
}

/** An issuer whose tokens the API accepts, and where to find its keys. */
export type TrustedIssuerSpec = TenantIssuerSpec | OidcIssuerSpec;

/**
 * Expands configuration into the exact issuers to trust. Entra is a configuration of plain OIDC:
 * one v2 issuer per allowed tenant (and a v1 issuer when enabled), each with its own discovery
 * document, so a token's `tid` can be checked against the tenant its issuer names.
 *
 * Users are keyed by the source of the issuer that verified their token, so two trusted issuers
 * must never speak for one source (other than the v1 and v2 issuers of one tenant, which are the
 * same directory): a configuration that would is refused at boot.
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
    specs.push({ issuer: auth.devIdentityProvider.issuer, kind: 'development', tenantId: DEV_TENANT_ID });
  }
  const problems = sharedSourceProblems(auth, specs);
  if (problems.length > 0) throw new ConfigError(problems);
  return specs;
}

function sharedSourceProblems(auth: AuthConfig, specs: readonly TrustedIssuerSpec[]): string[] {
  const problems: string[] = [];
  if (auth.devIdentityProvider.enabled && auth.entra.tenantIds.some((tid) => tid.toLowerCase() === DEV_TENANT_ID)) {
    problems.push(
      `AUTH_ENTRA_TENANT_IDS must not list the development tenant ${DEV_TENANT_ID} while ` +
        'AUTH_DEV_IDENTITY_PROVIDER is on: locally signed tokens would act as users of that tenant',
    );
  }
  const kindsByIssuer = new Map<string, IssuerKind[]>();
  for (const spec of specs) kindsByIssuer.set(spec.issuer, [...(kindsByIssuer.get(spec.issuer) ?? []), spec.kind]);
  for (const [issuer, kinds] of kindsByIssuer) {
    if (kinds.length > 1) {
      problems.push(
        `${issuer} would be trusted as ${kinds.join(' and as ')} issuer (AUTH_ENTRA_*, AUTH_OIDC_ISSUERS, ` +
          'AUTH_DEV_ISSUER); trust each issuer once',
      );
    }
  }
  return problems;
}
