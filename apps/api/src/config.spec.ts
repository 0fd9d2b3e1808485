import { ConfigError } from '@flowgate/core';
import { loadApiConfig } from './config';

describe('loadApiConfig', () => {
  it("reads core's sections and every feature's on defaults (development)", () => {
    const config = loadApiConfig({});
    expect(Object.keys(config).sort()).toEqual(['app', 'audit', 'auth', 'database', 'http', 'log', 'metrics', 'redis', 'tracing', 'traffic', 'webhooks', 'worker']); // prettier-ignore
    expect(config.auth.devIdentityProvider.enabled).toBe(true);
    expect(config.audit.denialWindowMs).toBe(60_000);
    expect(Object.keys(config.audit).sort()).toEqual(['anchors', 'denialWindowMs', 'redactFields', 'retention', 'sealBatchSize', 'sealIntervalMs']); // prettier-ignore
    expect(config.audit).toMatchObject({
      sealIntervalMs: 250,
      sealBatchSize: 500,
      retention: { months: undefined, archiveDir: undefined },
    });
    expect(config.traffic.rateLimits.principal.limit).toBe(600);
    expect(Object.isFrozen(config.traffic.rateLimits)).toBe(true);
    expect(config.webhooks).toMatchObject({ requireHttps: false, secretsKey: undefined, allowedTargets: [] });
  });

  it('requires https receivers and a key for webhook secrets in production', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production', WEBHOOK_REQUIRE_HTTPS: 'false' })).toThrow(
      /WEBHOOK_REQUIRE_HTTPS cannot be turned off when NODE_ENV=production.*WEBHOOK_SECRETS_KEY is required/,
    );
    expect(() =>
      loadApiConfig({ WEBHOOK_SECRETS_KEY: 'c2hvcnQ=', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1,localhost' }),
    ).toThrow(
      /WEBHOOK_ALLOWED_TARGETS must list IP addresses or CIDR ranges \(got "localhost"\).*WEBHOOK_SECRETS_KEY must be 32 bytes/,
    );
  });

  it('reports bad variables of core and of the features in one line, at boot', () => {
    let message = '';
    try {
      loadApiConfig({ PORT: 'x', AUTH_CLOCK_SKEW_SECONDS: '600', AUDIT_DENIAL_WINDOW_SECONDS: '0', RATE_LIMIT_PRINCIPAL: 'lots' }); // prettier-ignore
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      message = error.message;
    }
    expect(message).toMatch(
      /^Invalid configuration: PORT .*; AUTH_CLOCK_SKEW_SECONDS .*; AUDIT_DENIAL_WINDOW_SECONDS .*; RATE_LIMIT_PRINCIPAL /,
    );
    expect(message).not.toContain('\n');
  });

  it('refuses the development identity provider in production', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production', AUTH_DEV_IDENTITY_PROVIDER: 'true' })).toThrow(
      'AUTH_DEV_IDENTITY_PROVIDER must be false when NODE_ENV=production',
    );
  });
});
