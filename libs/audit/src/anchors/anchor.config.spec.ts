import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configLoader } from '@flowgate/core';
import { readAuditConfig } from '../audit.config';

const load = configLoader({ audit: readAuditConfig }).load;
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://cache', PUBLIC_BASE_URL: 'https://flowgate.example.com' }; // prettier-ignore

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const jwk = ec.privateKey.export({ format: 'jwk' });
const publicJwk = ec.publicKey.export({ format: 'jwk' });

function problems(env: Record<string, string>): string {
  try {
    load(env);
    return '';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

describe('AUDIT_ANCHOR_* (the audit section)', () => {
  it('pins the keys of the audit section', () => {
    expect(Object.keys(load({}).audit).sort()).toEqual([
      'anchors',
      'denialWindowMs',
      'redactFields',
      'retention',
      'sealBatchSize',
      'sealIntervalMs',
    ]);
    expect(Object.keys(load({}).audit.anchors).sort()).toEqual(['intervalMs', 'issuer', 'retiredKeys', 'signingKey']); // prettier-ignore
  });

  it('outside production, runs with no key (each worker generates one) and signs every minute', () => {
    expect(load({}).audit.anchors).toEqual({ intervalMs: 60_000, issuer: 'flowgate', signingKey: undefined, retiredKeys: [] }); // prettier-ignore
  });

  it('refuses production without a signing key, naming the variables', () => {
    expect(problems(PRODUCTION)).toContain(
      'AUDIT_ANCHOR_SIGNING_KEY is required when NODE_ENV=production (an ES256 (EC P-256) private key, PEM or JWK; or AUDIT_ANCHOR_SIGNING_KEY_FILE)',
    );
  });

  it.each([
    ['PEM', { AUDIT_ANCHOR_SIGNING_KEY: pem }],
    ['a JWK', { AUDIT_ANCHOR_SIGNING_KEY: JSON.stringify(jwk) }],
    ['a file', { AUDIT_ANCHOR_SIGNING_KEY_FILE: writeTemp(pem) }],
  ])('takes the key as %s, with its RFC 7638 thumbprint as the default key id', (_form, env) => {
    const { anchors } = load({ ...PRODUCTION, ...env }).audit;
    expect(anchors.signingKey?.publicJwk).toEqual({ ...publicJwk, kid: anchors.signingKey?.kid, alg: 'ES256', use: 'sig' }); // prettier-ignore
    expect(anchors.signingKey?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(anchors.signingKey?.privateKeyPem).toBe(pem);
    expect(anchors.issuer).toBe('https://flowgate.example.com');
  });

  it('takes a key id, an issuer, an interval and retired public keys', () => {
    const retired = { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: '2025' }] }; // prettier-ignore
    const { anchors } = load({
      AUDIT_ANCHOR_SIGNING_KEY: pem,
      AUDIT_ANCHOR_KEY_ID: '2026',
      AUDIT_ANCHOR_ISSUER: 'urn:flowgate:prod',
      AUDIT_ANCHOR_INTERVAL_SECONDS: '300',
      AUDIT_ANCHOR_RETIRED_KEYS: JSON.stringify(retired),
    }).audit;
    expect(anchors).toMatchObject({ intervalMs: 300_000, issuer: 'urn:flowgate:prod', signingKey: { kid: '2026' } });
    expect(anchors.retiredKeys).toEqual([{ ...retired.keys[0], alg: 'ES256', use: 'sig' }]);
  });

  it.each([
    ['not a key', { AUDIT_ANCHOR_SIGNING_KEY: 'hunter2' }, 'AUDIT_ANCHOR_SIGNING_KEY must be an ES256 (EC P-256) private key, PEM or JWK (it could not be read as one)'], // prettier-ignore
    ['an RSA key', { AUDIT_ANCHOR_SIGNING_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }, '(got a rsa key)'], // prettier-ignore
    ['a P-384 key', { AUDIT_ANCHOR_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }, '(got a ec key)'], // prettier-ignore
    ['both forms', { AUDIT_ANCHOR_SIGNING_KEY: pem, AUDIT_ANCHOR_SIGNING_KEY_FILE: '/x' }, 'AUDIT_ANCHOR_SIGNING_KEY and AUDIT_ANCHOR_SIGNING_KEY_FILE are both set'], // prettier-ignore
    ['a missing file', { AUDIT_ANCHOR_SIGNING_KEY_FILE: '/nonexistent/key.pem' }, 'AUDIT_ANCHOR_SIGNING_KEY_FILE cannot be read (ENOENT: /nonexistent/key.pem)'], // prettier-ignore
    ['a private retired key', { AUDIT_ANCHOR_RETIRED_KEYS: JSON.stringify({ keys: [{ ...jwk, kid: 'old' }] }) }, 'AUDIT_ANCHOR_RETIRED_KEYS must be a JWKS'], // prettier-ignore
    ['the current key retired', { AUDIT_ANCHOR_SIGNING_KEY: pem, AUDIT_ANCHOR_KEY_ID: 'k', AUDIT_ANCHOR_RETIRED_KEYS: JSON.stringify({ keys: [{ ...publicJwk, kid: 'k' }] }) }, 'AUDIT_ANCHOR_RETIRED_KEYS lists the current key id k'], // prettier-ignore
    ['a zero interval', { AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, 'AUDIT_ANCHOR_INTERVAL_SECONDS must be a whole number from 1 to 86400'], // prettier-ignore
  ])('refuses %s, without echoing key material', (_name, env, message) => {
    const reported = problems(env);
    expect(reported).toContain(message);
    expect(reported).not.toContain('PRIVATE KEY');
    expect(reported).not.toContain(String(jwk.d));
  });
});

function writeTemp(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'anchor-key-')), 'key.pem');
  writeFileSync(path, text);
  return path;
}
