import { ConfigError, configLoader } from '@flowgate/core';
import { readAuthConfig } from './auth.config';

const { load: loadConfig } = configLoader({ auth: readAuthConfig });

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readAuthConfig (through the core loader)', () => {
  it.each([
    [
      { NODE_ENV: 'production', AUTH_DEV_IDENTITY_PROVIDER: 'true' },
      'AUTH_DEV_IDENTITY_PROVIDER must be false when NODE_ENV=production',
    ],
    [{ NODE_ENV: 'production' }, 'AUTH_ENTRA_TENANT_IDS or AUTH_OIDC_ISSUERS must name at least one token issuer'],
    [
      { NODE_ENV: 'production', AUTH_ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      'AUTH_AUDIENCES must list the accepted audiences',
    ],
    [{ AUTH_ENTRA_TENANT_IDS: 'contoso' }, 'AUTH_ENTRA_TENANT_IDS must list tenant ids (GUIDs) (got "contoso")'],
    [{ AUTH_CLOCK_SKEW_SECONDS: '600' }, 'AUTH_CLOCK_SKEW_SECONDS must be a whole number from 0 to 300 (got "600")'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  describe('http issuers in production', () => {
    const PRODUCTION = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache',
      AUTH_ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AUTH_AUDIENCES: 'api://flowgate',
      PUBLIC_BASE_URL: 'https://flowgate.example.com',
    };

    it.each<[string, Record<string, string>, string]>([
      [
        'an http OIDC issuer',
        { AUTH_OIDC_ISSUERS: 'https://ok.example.com,http://idp.example.com/realms/x' },
        'AUTH_OIDC_ISSUERS must use https when NODE_ENV=production (got "http://idp.example.com/realms/x"); http is for loopback test issuers only, with AUTH_ALLOW_INSECURE_ISSUERS=true',
      ],
      [
        'an http Entra authority host',
        { AUTH_ENTRA_AUTHORITY_HOST: 'http://login.microsoftonline.com' },
        'AUTH_ENTRA_AUTHORITY_HOST must use https when NODE_ENV=production (got "http://login.microsoftonline.com")',
      ],
      [
        'an http Entra v1 issuer host',
        { AUTH_ENTRA_V1_ISSUER_HOST: 'http://sts.windows.net' },
        'AUTH_ENTRA_V1_ISSUER_HOST must use https when NODE_ENV=production (got "http://sts.windows.net")',
      ],
      [
        'a loopback http issuer without the explicit setting',
        { AUTH_OIDC_ISSUERS: 'http://127.0.0.1:8080' },
        'AUTH_OIDC_ISSUERS must use https when NODE_ENV=production (got "http://127.0.0.1:8080")',
      ],
      [
        'an http issuer on a network host, even with the setting',
        { AUTH_OIDC_ISSUERS: 'http://keycloak:8080/realms/x', AUTH_ALLOW_INSECURE_ISSUERS: 'true' },
        'AUTH_OIDC_ISSUERS must use https when NODE_ENV=production (got "http://keycloak:8080/realms/x"); AUTH_ALLOW_INSECURE_ISSUERS=true allows http only on a loopback host',
      ],
      [
        'a host that only starts like a loopback one, even with the setting',
        { AUTH_ENTRA_AUTHORITY_HOST: 'http://127.0.0.1.evil.example', AUTH_ALLOW_INSECURE_ISSUERS: 'true' },
        'AUTH_ENTRA_AUTHORITY_HOST must use https when NODE_ENV=production (got "http://127.0.0.1.evil.example")',
      ],
      [
        'a bad value for the setting',
        { AUTH_ALLOW_INSECURE_ISSUERS: 'sure' },
        'AUTH_ALLOW_INSECURE_ISSUERS must be true or false (got "sure")',
      ],
    ])('refuses %s', (_name, env, message) => {
      expect(problemsOf({ ...PRODUCTION, ...env })).toContain(message);
    });

    it.each<[string, Record<string, string>]>([
      ['https everywhere (the defaults)', {}],
      ['https issuers set explicitly', { AUTH_OIDC_ISSUERS: 'https://idp.example.com/realms/x', AUTH_ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us' }], // prettier-ignore
      ['http on 127.0.0.1 with the setting', { AUTH_OIDC_ISSUERS: 'http://127.0.0.1:8080', AUTH_ALLOW_INSECURE_ISSUERS: 'true' }], // prettier-ignore
      ['http on localhost with the setting', { AUTH_ENTRA_AUTHORITY_HOST: 'http://localhost:9000', AUTH_ENTRA_V1_ISSUER_HOST: 'http://localhost:9000', AUTH_ALLOW_INSECURE_ISSUERS: 'true' }], // prettier-ignore
      ['http on [::1] with the setting', { AUTH_OIDC_ISSUERS: 'http://[::1]:8080/x', AUTH_ALLOW_INSECURE_ISSUERS: 'true' }], // prettier-ignore
    ])('accepts %s', (_name, env) => {
      expect(() => loadConfig({ ...PRODUCTION, ...env })).not.toThrow();
    });

    it('leaves http issuers alone outside production', () => {
      const { auth } = loadConfig({ AUTH_OIDC_ISSUERS: 'http://idp.internal:8080', AUTH_ENTRA_AUTHORITY_HOST: 'http://login.local' }); // prettier-ignore
      expect(auth.oidcIssuers).toEqual(['http://idp.internal:8080']);
      expect(auth.entra.authorityHost).toBe('http://login.local');
    });
  });

  it('canonicalises Entra tenant ids to lower case, once each, and keeps OIDC issuers exactly as written', () => {
    const { auth } = loadConfig({
      AUTH_ENTRA_TENANT_IDS:
        '72F988BF-86F1-41AF-91AB-2D7CD011DB47, 72f988bf-86f1-41af-91ab-2d7cd011db47,F8CDEF31-a31e-4b4a-93e4-5f571e91255a',
      AUTH_OIDC_ISSUERS:
        'https://IdP.example.com/Realms/X,https://IdP.example.com/Realms/X,https://idp.example.com/realms/x',
    });
    expect(auth.entra.tenantIds).toEqual([
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
      'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    ]);
    expect(auth.oidcIssuers).toEqual(['https://IdP.example.com/Realms/X', 'https://idp.example.com/realms/x']);
  });

  describe('browser sign-in', () => {
    const TENANT = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://redis:6379',
      PUBLIC_BASE_URL: 'http://flowgate.internal',
      AUTH_ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AUTH_AUDIENCES: 'api://x',
    };

    it.each([
      [{ ...TENANT, BROWSER_SIGN_IN: 'true' }, 'BROWSER_AUTHORITY must be set'],
      [{ ...TENANT, BROWSER_AUTHORITY: 'https://login.microsoftonline.com/t' }, 'BROWSER_CLIENT_ID must be set'],
      [
        { ...TENANT, BROWSER_AUTHORITY: 'https://login.microsoftonline.com/t' },
        'BROWSER_PUBLIC_ORIGIN must be https (or PUBLIC_BASE_URL be)',
      ],
      [{ ...TENANT, BROWSER_AUTHORITY: 'http://login.local/t' }, 'BROWSER_AUTHORITY must use the https scheme'],
      [{ ...TENANT, BROWSER_AUTHORITY: 'https://l/t', BROWSER_PUBLIC_ORIGIN: 'http://flowgate.example' }, 'BROWSER_PUBLIC_ORIGIN must use the https scheme'], // prettier-ignore
      [{ SESSION_IDLE_TIMEOUT_SECONDS: '7200', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' }, 'SESSION_IDLE_TIMEOUT_SECONDS must not exceed'], // prettier-ignore
    ])('refuses %j', (env, message) => {
      expect(problemsOf(env)).toContain(message);
    });

    it('is off in production unless configured, so the development provider can never sign anyone in there', () => {
      expect(loadConfig(TENANT).auth.browser).toMatchObject({ enabled: false, devIdentityProvider: false });
    });

    it('uses a __Host- Secure cookie in production, and a plain one only for development over http', () => {
      const production = loadConfig({
        ...TENANT,
        BROWSER_AUTHORITY: 'https://login.microsoftonline.com/t',
        BROWSER_CLIENT_ID: 'c',
        BROWSER_CLIENT_SECRET: 's',
        BROWSER_PUBLIC_ORIGIN: 'https://flowgate.example',
      }).auth.browser;
      expect(production).toMatchObject({ enabled: true, protocol: 'entra', cookie: { name: '__Host-flowgate-session', secure: true } }); // prettier-ignore
      const development = loadConfig({}).auth.browser;
      expect(development).toMatchObject({ enabled: true, devIdentityProvider: true, protocol: 'oidc', cookie: { name: 'flowgate-session', secure: false } }); // prettier-ignore
    });
  });
});
