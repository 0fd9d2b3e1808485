import { ConfigError } from '@flowgate/core';
import type { AuthConfig, EntraConfig } from '../config/auth.config';
import { DEV_TENANT_ID } from '../dev-identity-provider/dev-identity';
import { TrustedIssuerSpec, trustedIssuerSpecs } from './trusted-issuer';

const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const DEV_ISSUER = 'http://localhost:3000/dev-idp';

interface ConfigInput {
  readonly entra?: Partial<EntraConfig>;
  readonly oidcIssuers?: readonly string[];
  readonly devEnabled?: boolean;
}

function authConfig({ entra = {}, oidcIssuers = [], devEnabled = false }: ConfigInput): AuthConfig {
  return {
    entra: {
      tenantIds: [],
      acceptV1Tokens: false,
      authorityHost: 'https://login.microsoftonline.com',
      v1IssuerHost: 'https://sts.windows.net',
      ...entra,
    },
    oidcIssuers,
    audiences: ['api://flowgate'],
    clockSkewSeconds: 60,
    maxTokenBytes: 16_384,
    jwksRefreshCooldownMs: 30_000,
    jwksMaxAgeMs: 3_600_000,
    tokenCacheSize: 10_000,
    roleMapping: '',
    stepUp: { acrs: 'c1', maxAgeSeconds: undefined },
    devIdentityProvider: {
      enabled: devEnabled,
      issuer: DEV_ISSUER,
      keyDir: '.data/dev-idp',
      client: { id: 'c', secret: 's' },
    },
    // Not read by the issuer rules.
    browser: {} as AuthConfig['browser'],
  };
}

const entraV2 = (tid: string, host = 'https://login.microsoftonline.com'): TrustedIssuerSpec => ({
  issuer: `${host}/${tid}/v2.0`,
  kind: 'entra-v2',
  discoveryUrl: `${host}/${tid}/v2.0/.well-known/openid-configuration`,
  tenantId: tid,
});

const entraV1 = (
  tid: string,
  issuerHost = 'https://sts.windows.net',
  authorityHost = 'https://login.microsoftonline.com',
): TrustedIssuerSpec => ({
  issuer: `${issuerHost}/${tid}/`,
  kind: 'entra-v1',
  discoveryUrl: `${authorityHost}/${tid}/.well-known/openid-configuration`,
  tenantId: tid,
});

describe('trustedIssuerSpecs', () => {
  it.each<[string, ConfigInput, TrustedIssuerSpec[]]>([
    ['nothing configured: trusts no issuer', {}, []],
    ['Entra v2, one tenant', { entra: { tenantIds: [TENANT_A] } }, [entraV2(TENANT_A)]],
    [
      'Entra v2, one issuer per tenant in the order given',
      { entra: { tenantIds: [TENANT_B, TENANT_A] } },
      [entraV2(TENANT_B), entraV2(TENANT_A)],
    ],
    [
      'Entra v1 not enabled: v2 issuers only',
      { entra: { tenantIds: [TENANT_A, TENANT_B], acceptV1Tokens: false } },
      [entraV2(TENANT_A), entraV2(TENANT_B)],
    ],
    [
      'Entra v1 enabled: a v1 issuer (sts host, trailing slash) beside each v2 issuer',
      { entra: { tenantIds: [TENANT_A, TENANT_B], acceptV1Tokens: true } },
      [entraV2(TENANT_A), entraV1(TENANT_A), entraV2(TENANT_B), entraV1(TENANT_B)],
    ],
    ['v1 enabled without tenants: still nothing', { entra: { acceptV1Tokens: true } }, []],
    [
      'sovereign cloud (Azure China): both hosts replaced, discovery on the authority host',
      {
        entra: {
          tenantIds: [TENANT_A],
          acceptV1Tokens: true,
          authorityHost: 'https://login.chinacloudapi.cn',
          v1IssuerHost: 'https://sts.chinacloudapi.cn',
        },
      },
      [
        entraV2(TENANT_A, 'https://login.chinacloudapi.cn'),
        entraV1(TENANT_A, 'https://sts.chinacloudapi.cn', 'https://login.chinacloudapi.cn'),
      ],
    ],
    [
      'sovereign cloud (US Government), v2 only',
      { entra: { tenantIds: [TENANT_A], authorityHost: 'https://login.microsoftonline.us' } },
      [entraV2(TENANT_A, 'https://login.microsoftonline.us')],
    ],
    [
      'generic OIDC issuers: exact iss, no tenant, discovery under the issuer',
      { oidcIssuers: ['https://accounts.example.com', 'https://idp.example.org/realms/flowgate'] },
      [
        {
          issuer: 'https://accounts.example.com',
          kind: 'oidc',
          discoveryUrl: 'https://accounts.example.com/.well-known/openid-configuration',
        },
        {
          issuer: 'https://idp.example.org/realms/flowgate',
          kind: 'oidc',
          discoveryUrl: 'https://idp.example.org/realms/flowgate/.well-known/openid-configuration',
        },
      ],
    ],
    [
      'generic OIDC issuer with a trailing slash: kept in iss, removed before .well-known (OIDC Discovery §4)',
      { oidcIssuers: ['https://auth.example.com/tenant-1/'] },
      [
        {
          issuer: 'https://auth.example.com/tenant-1/',
          kind: 'oidc',
          discoveryUrl: 'https://auth.example.com/tenant-1/.well-known/openid-configuration',
        },
      ],
    ],
    [
      'development issuer: in-process keys, so no discovery URL; Entra-shaped tokens of the development tenant',
      { devEnabled: true },
      [{ issuer: DEV_ISSUER, kind: 'development', tenantId: DEV_TENANT_ID }],
    ],
    [
      'everything: Entra, then OIDC, then development',
      {
        entra: { tenantIds: [TENANT_A], acceptV1Tokens: true },
        oidcIssuers: ['https://accounts.example.com'],
        devEnabled: true,
      },
      [
        entraV2(TENANT_A),
        entraV1(TENANT_A),
        {
          issuer: 'https://accounts.example.com',
          kind: 'oidc',
          discoveryUrl: 'https://accounts.example.com/.well-known/openid-configuration',
        },
        { issuer: DEV_ISSUER, kind: 'development', tenantId: DEV_TENANT_ID },
      ],
    ],
    [
      'the development tenant as an Entra tenant is fine while the development issuer is off',
      { entra: { tenantIds: [DEV_TENANT_ID] } },
      [entraV2(DEV_TENANT_ID)],
    ],
  ])('%s', (_case, input, expected) => {
    const specs = trustedIssuerSpecs(authConfig(input));

    expect(specs).toEqual(expected);
    // toEqual ignores undefined members; the shape matters (no tenant for plain OIDC, no fetch for dev).
    specs.forEach((spec, i) => expect(Object.keys(spec).sort()).toEqual(Object.keys(expected[i]).sort()));
  });

  it('never trusts the multi-tenant placeholders or another tenant of the same host', () => {
    const issuers = trustedIssuerSpecs(authConfig({ entra: { tenantIds: [TENANT_A], acceptV1Tokens: true } })).map(
      (spec) => spec.issuer,
    );
    for (const segment of ['common', 'organizations', 'consumers', '{tenantid}', TENANT_B]) {
      expect(issuers.some((issuer) => issuer.includes(`/${segment}/`))).toBe(false);
    }
  });
});

describe('trustedIssuerSpecs refuses issuers that would share an identity source', () => {
  it.each<[string, ConfigInput, RegExp]>([
    [
      'the development tenant listed as an Entra tenant while the development issuer is on',
      { entra: { tenantIds: [TENANT_A, DEV_TENANT_ID] }, devEnabled: true },
      new RegExp(
        `AUTH_ENTRA_TENANT_IDS must not list the development tenant ${DEV_TENANT_ID} while AUTH_DEV_IDENTITY_PROVIDER is on`,
      ),
    ],
    [
      'the same, in upper case',
      { entra: { tenantIds: [DEV_TENANT_ID.toUpperCase()] }, devEnabled: true },
      /must not list the development tenant/,
    ],
    [
      'an OIDC issuer that is also an Entra issuer (it would skip the tid check for that tenant)',
      { entra: { tenantIds: [TENANT_A] }, oidcIssuers: [`https://login.microsoftonline.com/${TENANT_A}/v2.0`] },
      new RegExp(`${TENANT_A}/v2.0 would be trusted as entra-v2 and as oidc issuer`),
    ],
    [
      'an OIDC issuer that is also the development issuer',
      { oidcIssuers: [DEV_ISSUER], devEnabled: true },
      /dev-idp would be trusted as oidc and as development issuer/,
    ],
  ])('%s', (_case, input, message) => {
    const attempt = () => trustedIssuerSpecs(authConfig(input));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
