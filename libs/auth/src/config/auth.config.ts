import { randomBytes } from 'node:crypto';
import type { CoreConfig, EnvReader } from '@flowgate/core';
import { BrowserSignInConfig, readBrowserSignInConfig } from './browser-sign-in.config';

export interface EntraConfig {
  /** Tenants whose users may call the API (lower case); a token's `tid` must be one of them and match its issuer. */
  readonly tenantIds: readonly string[];
  /** Also accept v1 tokens (issuer `https://sts.windows.net/{tid}/`). */
  readonly acceptV1Tokens: boolean;
  /** Sovereign clouds use other hosts (login.microsoftonline.us, login.chinacloudapi.cn). */
  readonly authorityHost: string;
  readonly v1IssuerHost: string;
}

export interface DevIdentityProviderConfig {
  readonly enabled: boolean;
  /** The `iss` of development tokens; the app serves its discovery document and JWKS. */
  readonly issuer: string;
  /** Where the generated signing key is kept (git-ignored, survives restarts). */
  readonly keyDir: string;
  /**
   * The one client its sign-in page serves: Flowgate's own browser sign-in. The secret is drawn at
   * boot unless set (instances that share codes through Redis must then share it), so no secret
   * is ever written in the repository.
   */
  readonly client: { readonly id: string; readonly secret: string };
}

export interface AuthConfig {
  readonly entra: EntraConfig;
  /** Any other OIDC issuers (their discovery document gives the JWKS). */
  readonly oidcIssuers: readonly string[];
  /** Accepted `aud` values: the app ID URI and/or the client id. */
  readonly audiences: readonly string[];
  readonly clockSkewSeconds: number;
  /** Tokens longer than this are rejected before any parsing. */
  readonly maxTokenBytes: number;
  /** At most one discovery + JWKS fetch per issuer starts per this interval (first load, unknown `kid`, age, failures). */
  readonly jwksRefreshCooldownMs: number;
  /** Key sets are refreshed in the background after this age (kept if the refresh fails). */
  readonly jwksMaxAgeMs: number;
  /** Verified tokens remembered (0 turns the cache off). */
  readonly tokenCacheSize: number;
  /** Raw `claim value=role` list; parsed and checked by the auth library at boot. */
  readonly roleMapping: string;
  readonly stepUp: { readonly acrs: string; readonly maxAgeSeconds: number | undefined };
  readonly devIdentityProvider: DevIdentityProviderConfig;
  readonly browser: BrowserSignInConfig;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

declare module '@flowgate/core' {
  interface FlowgateConfig {
    readonly auth: AuthConfig;
  }
}

/** The `auth` section (`AUTH_*`), registered with the core loader by the composition root. */
export function readAuthConfig(env: EnvReader, { app, http }: CoreConfig): AuthConfig {
  const { environment, port } = app;
  const listedTenantIds = env.list('AUTH_ENTRA_TENANT_IDS');
  for (const tid of listedTenantIds) {
    if (!GUID.test(tid)) env.report('AUTH_ENTRA_TENANT_IDS', `must list tenant ids (GUIDs) (got "${tid}")`);
  }
  // Lower case: a tenant is its users' identity source and names its issuer URLs, so it has one spelling.
  const tenantIds = unique(listedTenantIds.map((tid) => tid.toLowerCase()));
  // Exactly as configured: an OIDC issuer's users are keyed by this string, which its tokens' `iss` must equal.
  const oidcIssuers = unique(env.list('AUTH_OIDC_ISSUERS'));
  for (const issuer of oidcIssuers) {
    if (!/^https?:\/\/\S+$/.test(issuer)) env.report('AUTH_OIDC_ISSUERS', `must list issuer URLs (got "${issuer}")`);
  }
  const devEnabled = env.boolean('AUTH_DEV_IDENTITY_PROVIDER', environment !== 'production');
  const maxAgeSeconds = env.integer('AUTH_STEP_UP_MAX_AGE_SECONDS', 0, { min: 0, max: 86_400 });
  const devIdentityProvider: DevIdentityProviderConfig = {
    enabled: devEnabled,
    issuer: trimSlash(env.url('AUTH_DEV_ISSUER', ['http', 'https']) ?? `http://localhost:${port || 3000}/dev-idp`),
    keyDir: env.string('AUTH_DEV_KEY_DIR', '.data/dev-idp'),
    client: {
      id: env.string('AUTH_DEV_CLIENT_ID', 'flowgate-browser'),
      secret: env.string('AUTH_DEV_CLIENT_SECRET') ?? randomBytes(32).toString('base64url'),
    },
  };
  const audiences = env.list('AUTH_AUDIENCES', devEnabled ? ['api://flowgate'] : []);
  const config: AuthConfig = {
    entra: {
      tenantIds,
      acceptV1Tokens: env.boolean('AUTH_ENTRA_ACCEPT_V1_TOKENS', false),
      authorityHost: trimSlash(
        env.url('AUTH_ENTRA_AUTHORITY_HOST', ['https', 'http']) ?? 'https://login.microsoftonline.com',
      ),
      v1IssuerHost: trimSlash(env.url('AUTH_ENTRA_V1_ISSUER_HOST', ['https', 'http']) ?? 'https://sts.windows.net'),
    },
    oidcIssuers,
    audiences,
    clockSkewSeconds: env.integer('AUTH_CLOCK_SKEW_SECONDS', 60, { min: 0, max: 300 }),
    maxTokenBytes: env.integer('AUTH_MAX_TOKEN_BYTES', 16_384, { min: 1_024, max: 65_536 }),
    jwksRefreshCooldownMs: env.integer('AUTH_JWKS_REFRESH_COOLDOWN_MS', 30_000, { min: 0, max: 3_600_000 }),
    jwksMaxAgeMs: env.integer('AUTH_JWKS_MAX_AGE_MS', 3_600_000, { min: 60_000, max: 86_400_000 }),
    tokenCacheSize: env.integer('AUTH_TOKEN_CACHE_SIZE', 10_000, { min: 0, max: 1_000_000 }),
    roleMapping: env.string('AUTH_ROLE_MAPPING', ''),
    stepUp: {
      acrs: env.string('AUTH_STEP_UP_ACRS', 'c1'),
      maxAgeSeconds: maxAgeSeconds === 0 ? undefined : maxAgeSeconds,
    },
    devIdentityProvider,
    browser: readBrowserSignInConfig(env, app, http.publicBaseUrl, devIdentityProvider, audiences[0]),
  };
  if (environment === 'production') {
    refuseInsecureIssuers(env, env.boolean('AUTH_ALLOW_INSECURE_ISSUERS', false), [
      ...oidcIssuers.map((issuer) => ['AUTH_OIDC_ISSUERS', issuer] as const),
      ['AUTH_ENTRA_AUTHORITY_HOST', config.entra.authorityHost],
      ['AUTH_ENTRA_V1_ISSUER_HOST', config.entra.v1IssuerHost],
    ]);
  }
  if (environment === 'production' && devEnabled) {
    env.report(
      'AUTH_DEV_IDENTITY_PROVIDER',
      'must be false when NODE_ENV=production (it signs tokens with a local key)',
    );
  }
  const issuerCount = tenantIds.length + oidcIssuers.length + (devEnabled ? 1 : 0);
  if (issuerCount === 0) {
    env.report('AUTH_ENTRA_TENANT_IDS', 'or AUTH_OIDC_ISSUERS must name at least one token issuer');
  }
  if (issuerCount > 0 && config.audiences.length === 0) {
    env.report('AUTH_AUDIENCES', 'must list the accepted audiences (app ID URI and/or client id)');
  }
  return config;
}

// RFC 8252 §8.3 treats loopback alike: plain http there never leaves the machine.
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Keys fetched over plain http can be swapped by anyone on the path, and with them every identity:
 * production trusts https issuers only. A loopback issuer (a test stand-in on the same machine) may
 * use http when AUTH_ALLOW_INSECURE_ISSUERS says so; nothing else may.
 */
function refuseInsecureIssuers(
  env: EnvReader,
  allowLoopback: boolean,
  urls: readonly (readonly [variable: string, url: string])[],
): void {
  for (const [variable, url] of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue; // already reported as not a URL
    }
    if (parsed.protocol !== 'http:') continue;
    if (!allowLoopback) {
      env.report(
        variable,
        `must use https when NODE_ENV=production (got "${url}"); http is for loopback test issuers only, ` +
          'with AUTH_ALLOW_INSECURE_ISSUERS=true',
      );
    } else if (!LOOPBACK_HOST.test(parsed.hostname)) {
      env.report(
        variable,
        `must use https when NODE_ENV=production (got "${url}"); AUTH_ALLOW_INSECURE_ISSUERS=true allows ` +
          'http only on a loopback host (localhost, 127.0.0.1, [::1])',
      );
    }
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
