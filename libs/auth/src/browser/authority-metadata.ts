import { Injectable } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { DevIdentityProvider } from '../dev-identity-provider/dev-identity-provider';

export type OpenIdMetadata = Record<string, unknown>;

/**
 * The authority's OpenID configuration, given to MSAL so that the clients it builds per request do
 * not each discover it. A real authority's is fetched once (again after a failure). The
 * development provider's is built here: its browser-facing endpoints on the origin the browser
 * uses, its token endpoint on MSAL's placeholder https authority (answered in-process).
 */
@Injectable()
export class AuthorityMetadata {
  private fetched: Promise<OpenIdMetadata> | undefined;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly devProvider: DevIdentityProvider,
  ) {}

  forOrigin(origin: string): Promise<OpenIdMetadata> {
    const browser = this.config.auth.browser;
    if (browser.devIdentityProvider) {
      return Promise.resolve({
        ...this.devProvider.discovery(),
        authorization_endpoint: `${origin}/dev-idp/authorize`,
        end_session_endpoint: `${origin}/dev-idp/logout`,
        token_endpoint: `${browser.authority}/oauth2/token`,
      });
    }
    this.fetched ??= this.fetch().catch((error: unknown) => {
      this.fetched = undefined;
      throw error;
    });
    return this.fetched;
  }

  private async fetch(): Promise<OpenIdMetadata> {
    const { authority, protocol } = this.config.auth.browser;
    const url = `${authority}${protocol === 'entra' ? '/v2.0' : ''}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`OpenID configuration of ${authority}: HTTP ${res.status}`);
    return (await res.json()) as OpenIdMetadata;
  }
}
