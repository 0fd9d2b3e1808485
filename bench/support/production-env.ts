import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { entraAccessTokenClaims, TestIssuer } from '@flowgate/testing';

/** The tenant and audience the production-build suites' tokens carry. */
export const BENCH_TENANT = '7d0c3c3e-55b4-4a5f-9d8e-3b1f2a6c9e01';
export const BENCH_AUDIENCE = 'api://flowgate-bench';

/**
 * Budgets no client reaches: one client on loopback drives the app as hard as it can, and the
 * production budgets would measure the 429 path instead. The limiter still counts every request
 * in Redis.
 */
export const UNREACHED_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_PRINCIPAL: '1000000/60s',
  RATE_LIMIT_SENSITIVE: '1000000/60s',
  RATE_LIMIT_ANONYMOUS: '1000000/60s',
};

/** The API on loopback with its development identity provider (tokens from `/dev-idp/token`). */
export const DEV_IDENTITY_API_ENV: Readonly<Record<string, string>> = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  AUTH_DEV_IDENTITY_PROVIDER: 'true',
  ...UNREACHED_RATE_LIMITS,
};

/** NODE_ENV=production as a deployment sets it, trusting the loopback test issuer. */
export function productionEnv(issuer: TestIssuer): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_BASE_URL: 'https://flowgate.example.com',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    AUTH_ENTRA_AUTHORITY_HOST: issuer.authorityHost,
    AUTH_ENTRA_V1_ISSUER_HOST: issuer.authorityHost,
    AUTH_ALLOW_INSECURE_ISSUERS: 'true',
    AUTH_ENTRA_TENANT_IDS: BENCH_TENANT,
    AUTH_AUDIENCES: BENCH_AUDIENCE,
    AUTH_ROLE_MAPPING: 'Flowgate.Admin=admin, Flowgate.Requester=requester',
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
    // Production requires the audit anchors' signing key (docs/audit.md, "Signed anchors").
    AUDIT_ANCHOR_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    ...UNREACHED_RATE_LIMITS,
  };
}

/** An Entra-shaped access token from the loopback issuer, for a new user with these app roles. */
export function benchToken(issuer: TestIssuer, roles: string[], acrs?: string[]): string {
  return issuer.mint(
    {
      ...entraAccessTokenClaims({ tid: BENCH_TENANT, oid: randomUUID(), aud: BENCH_AUDIENCE, roles, acrs }),
      iss: issuer.entraIssuer(BENCH_TENANT),
    },
    // Outlives the suite: an expired token would turn the runs into 401s.
    { expiresIn: 6 * 3600 },
  );
}
