import type { AppConfig, EnvReader } from '@flowgate/core';

/** Browser sign-in (backend-for-frontend): MSAL, the session store and its cookie. */
export interface BrowserSignInConfig {
  readonly enabled: boolean;
  /**
   * MSAL's authority: an Entra tenant (`https://login.microsoftonline.com/<tenant>`) or an OIDC
   * issuer. With the development identity provider it is a placeholder https URL that MSAL accepts,
   * answered in-process (MSAL refuses http authorities).
   */
  readonly authority: string;
  readonly protocol: 'entra' | 'oidc';
  /** True when MSAL talks to the development identity provider in-process. */
  readonly devIdentityProvider: boolean;
  readonly clientId: string;
  readonly clientSecret: string;
  /** What the session's access token is for: Flowgate's API. */
  readonly scopes: readonly string[];
  /**
   * Where browsers reach Flowgate (the callback is `<origin>/auth/callback`): BROWSER_PUBLIC_ORIGIN,
   * else PUBLIC_BASE_URL's origin. Unset: the loopback origin of the request, development only.
   */
  readonly publicOrigin: string | undefined;
  /** Other app origins a sign-in may return to (`returnTo`), besides Flowgate's own pages. */
  readonly returnToOrigins: readonly string[];
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
  /**
   * `__Host-flowgate-session` (Secure, Path=/, no Domain) whenever the origin is https. A `__Host-`
   * cookie must be Secure, which http://localhost cannot be in every browser, so development over
   * plain http uses `flowgate-session` without Secure.
   */
  readonly cookie: { readonly name: string; readonly secure: boolean };
}

export const SECURE_SESSION_COOKIE = '__Host-flowgate-session';
export const DEV_SESSION_COOKIE = 'flowgate-session';

/** Part of the `auth` section (`BROWSER_*`, `SESSION_*`): read with it, since it builds on the issuers. */
export function readBrowserSignInConfig(
  env: EnvReader,
  app: AppConfig,
  publicBaseUrl: string | undefined,
  dev: { readonly enabled: boolean; readonly issuer: string; readonly client: { id: string; secret: string } },
  audience: string | undefined,
): BrowserSignInConfig {
  const production = app.environment === 'production';
  const authority = env.url('BROWSER_AUTHORITY', ['https']);
  // Where the API is published (PUBLIC_BASE_URL) is where browsers reach it, unless said otherwise.
  const publicOrigin =
    env.url('BROWSER_PUBLIC_ORIGIN', production ? ['https'] : ['https', 'http']) ??
    (publicBaseUrl === undefined ? undefined : new URL(publicBaseUrl).origin);
  const useDev = authority === undefined && dev.enabled;
  const enabled = env.boolean('BROWSER_SIGN_IN', useDev || authority !== undefined);
  const clientSecret = env.string('BROWSER_CLIENT_SECRET') ?? (useDev ? dev.client.secret : '');
  if (enabled && !useDev) {
    if (!authority)
      env.report(
        'BROWSER_AUTHORITY',
        'must be set when BROWSER_SIGN_IN is on without the development identity provider',
      );
    if (!env.string('BROWSER_CLIENT_ID')) env.report('BROWSER_CLIENT_ID', 'must be set when BROWSER_AUTHORITY is');
    if (!clientSecret) env.report('BROWSER_CLIENT_SECRET', 'must be set when BROWSER_AUTHORITY is');
  }
  if (enabled && production && !publicOrigin?.startsWith('https:')) {
    env.report(
      'BROWSER_PUBLIC_ORIGIN',
      'must be https (or PUBLIC_BASE_URL be) when NODE_ENV=production and browser sign-in is on',
    );
  }
  const idleTimeoutSeconds = env.integer('SESSION_IDLE_TIMEOUT_SECONDS', 1800, { min: 60, max: 86_400 });
  const absoluteTimeoutSeconds = env.integer('SESSION_ABSOLUTE_TIMEOUT_SECONDS', 28_800, {
    min: 300,
    max: 30 * 86_400,
  });
  if (idleTimeoutSeconds > absoluteTimeoutSeconds) {
    env.report('SESSION_IDLE_TIMEOUT_SECONDS', 'must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS');
  }
  const secure = production || publicOrigin?.startsWith('https:') === true;
  return {
    enabled,
    authority: trimSlash(authority ?? 'https://localhost/dev-idp'),
    protocol: useDev ? 'oidc' : env.oneOf('BROWSER_PROTOCOL', ['entra', 'oidc'] as const, 'entra'),
    devIdentityProvider: useDev,
    clientId: env.string('BROWSER_CLIENT_ID') ?? dev.client.id,
    clientSecret,
    scopes: env.list('BROWSER_SCOPES', audience ? [`${audience}/access_as_user`] : []),
    publicOrigin: publicOrigin === undefined ? undefined : new URL(publicOrigin).origin,
    returnToOrigins: env.list('BROWSER_RETURN_TO_ORIGINS').map((origin) => trimSlash(origin)),
    idleTimeoutSeconds,
    absoluteTimeoutSeconds,
    cookie: { name: secure ? SECURE_SESSION_COOKIE : DEV_SESSION_COOKIE, secure },
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
