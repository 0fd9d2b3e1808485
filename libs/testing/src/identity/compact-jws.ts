import { constants, createHmac, createPublicKey, KeyObject, sign } from 'node:crypto';

/** JOSE header or JWT claims. A member set to `undefined` is left out, which is how a test drops a default. */
export type JsonMembers = Record<string, unknown>;

export function encodeSegment(members: JsonMembers): string {
  return Buffer.from(JSON.stringify(members)).toString('base64url');
}

export function decodeSegment(segment: string): JsonMembers {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as JsonMembers;
}

export function splitCompact(token: string): [header: string, payload: string, signature: string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`Not a compact JWS: ${parts.length} segments`);
  return [parts[0], parts[1], parts[2]];
}

/**
 * Signs by hand rather than through jose's SignJWT: the attack tokens need what jose refuses to
 * produce (alg "none", HS256 keyed with an RSA public key, unknown `crit`, a header `alg` that
 * is not the algorithm actually used). The spec proves the ordinary RS256 output verifies with jose.
 */
export function signCompact(header: JsonMembers, payload: JsonMembers, alg: string, key: KeyObject): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${input}.${signature(alg, input, key).toString('base64url')}`;
}

function signature(alg: string, input: string, key: KeyObject): Buffer {
  if (alg.toLowerCase() === 'none') return Buffer.alloc(0);
  const match = /^(HS|RS|PS)(256|384|512)$/.exec(alg);
  if (!match) throw new Error(`TestIssuer cannot sign with ${alg}; put it in options.header.alg to only claim it`);
  const [, family, bits] = match;
  const digest = `sha${bits}`;
  if (family === 'HS') return createHmac(digest, hmacSecret(key)).update(input).digest();
  if (family === 'RS') return sign(digest, Buffer.from(input), key);
  return sign(digest, Buffer.from(input), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: Number(bits) / 8,
  });
}

/**
 * The key-confusion attack: a verifier that lets the token choose HS256 and hands it "the
 * issuer's key" ends up using the public key's PEM text as the HMAC secret, which anyone can get.
 */
function hmacSecret(key: KeyObject): Buffer | string {
  if (key.type === 'secret') return key.export();
  return publicKeyPem(key);
}

export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}
