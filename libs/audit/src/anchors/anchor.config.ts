import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CoreConfig, EnvReader } from '@flowgate/core';

/** A public EC P-256 key as a JWK (RFC 7517), with the id anchors name it by. */
export interface AnchorPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** The configured signing key: a string (the configuration is deep-frozen), never stored anywhere. */
export interface AnchorSigningKeyConfig {
  readonly kid: string;
  /** PKCS#8 PEM, normalised from whatever form was configured. */
  readonly privateKeyPem: string;
  readonly publicJwk: AnchorPublicJwk;
}

export interface AnchorConfig {
  /** How often the chain head is signed (when it moved). */
  readonly intervalMs: number;
  /** The `iss` of every anchor: who vouches for the chain. */
  readonly issuer: string;
  /**
   * The private key anchors are signed with. Undefined outside production when none is configured:
   * each worker process then generates a key pair of its own (docs/adr/0019).
   */
  readonly signingKey: AnchorSigningKeyConfig | undefined;
  /** Public keys of earlier signing keys, still published so that older exports verify. */
  readonly retiredKeys: readonly AnchorPublicJwk[];
}

const KEY_HELP = 'an ES256 (EC P-256) private key, PEM or JWK';

/** The anchor settings (`AUDIT_ANCHOR_*`) of the audit section. */
export function readAnchorConfig(env: EnvReader, { app, http }: CoreConfig): AnchorConfig {
  const production = app.environment === 'production';
  const signingKey = readSigningKey(env);
  if (!signingKey && production && !env.raw('AUDIT_ANCHOR_SIGNING_KEY') && !env.raw('AUDIT_ANCHOR_SIGNING_KEY_FILE')) {
    env.report(
      'AUDIT_ANCHOR_SIGNING_KEY',
      `is required when NODE_ENV=production (${KEY_HELP}; or AUDIT_ANCHOR_SIGNING_KEY_FILE)`,
    );
  }
  const retiredKeys = readRetiredKeys(env);
  if (signingKey && retiredKeys.some((key) => key.kid === signingKey.kid)) {
    env.report('AUDIT_ANCHOR_RETIRED_KEYS', `lists the current key id ${signingKey.kid}`);
  }
  return {
    intervalMs: env.integer('AUDIT_ANCHOR_INTERVAL_SECONDS', 60, { min: 1, max: 86_400 }) * 1000,
    issuer: env.string('AUDIT_ANCHOR_ISSUER') ?? http.publicBaseUrl ?? 'flowgate',
    signingKey,
    retiredKeys,
  };
}

/** A secret from the variable itself or from the file it names (a mounted Kubernetes secret). */
function secretOf(env: EnvReader, name: string): string | undefined {
  const inline = env.raw(name);
  const path = env.raw(`${name}_FILE`);
  if (inline && path) {
    env.report(name, `and ${name}_FILE are both set; set one`);
    return undefined;
  }
  if (!path) return inline;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    env.report(`${name}_FILE`, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})`);
    return undefined;
  }
}

function readSigningKey(env: EnvReader): AnchorSigningKeyConfig | undefined {
  const material = secretOf(env, 'AUDIT_ANCHOR_SIGNING_KEY');
  if (material === undefined) return undefined;
  let key: KeyObject;
  try {
    key = material.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(material) as import('node:crypto').JsonWebKey, format: 'jwk' })
      : createPrivateKey(material);
  } catch {
    // The message of a parse failure may quote the key: say only what was expected.
    env.report('AUDIT_ANCHOR_SIGNING_KEY', `must be ${KEY_HELP} (it could not be read as one)`);
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    env.report('AUDIT_ANCHOR_SIGNING_KEY', `must be ${KEY_HELP} (got a ${key.asymmetricKeyType ?? 'symmetric'} key)`);
    return undefined;
  }
  const publicParts = createPublicKey(key).export({ format: 'jwk' });
  const kid = env.string('AUDIT_ANCHOR_KEY_ID') ?? jwkThumbprint(publicParts.x!, publicParts.y!);
  return {
    kid,
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: toPublicJwk(publicParts, kid),
  };
}

function readRetiredKeys(env: EnvReader): AnchorPublicJwk[] {
  const text = secretOf(env, 'AUDIT_ANCHOR_RETIRED_KEYS');
  if (text === undefined) return [];
  const problem = 'must be a JWKS ({"keys": [...]}) of EC P-256 public keys, each with a kid';
  try {
    const { keys } = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(keys)) throw new Error(problem);
    return keys.map((jwk: import('node:crypto').JsonWebKey & { kid?: unknown }) => {
      if (typeof jwk.kid !== 'string' || jwk.kid === '' || jwk.d !== undefined) throw new Error(problem);
      const parts = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
      if (parts.crv !== 'P-256') throw new Error(problem);
      return toPublicJwk(parts, jwk.kid);
    });
  } catch {
    env.report('AUDIT_ANCHOR_RETIRED_KEYS', problem);
    return [];
  }
}

export function toPublicJwk(parts: { x?: string; y?: string }, kid: string): AnchorPublicJwk {
  return { kty: 'EC', crv: 'P-256', x: parts.x!, y: parts.y!, kid, alg: 'ES256', use: 'sig' };
}

/** RFC 7638 thumbprint of an EC key: a key id that anyone holding the public key can recompute. */
export function jwkThumbprint(x: string, y: string): string {
  const members = JSON.stringify({ crv: 'P-256', kty: 'EC', x, y });
  return createHash('sha256').update(members).digest('base64url');
}
