import { CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK, type KeyLike } from 'jose';
import { canonicalJson } from '@flowgate/core';

/** What an anchor signs: the chain head at a moment, and who vouches for it. */
export interface AnchorPayload {
  readonly seq: number;
  readonly hash: string;
  /** ISO 8601, the database's clock when the anchor was made. */
  readonly signedAt: string;
  readonly iss: string;
}

/** The JWS `typ` of an anchor, so that no other token signed with the key can pass for one. */
export const ANCHOR_JWS_TYPE = 'flowgate-audit-anchor+jws';

/** A compact JWS (ES256) over the canonical JSON of the payload. */
export async function signAnchor(payload: AnchorPayload, key: KeyLike, kid: string): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson({ ...payload }));
  return new CompactSign(bytes).setProtectedHeader({ alg: 'ES256', kid, typ: ANCHOR_JWS_TYPE }).sign(key);
}

/**
 * The payload of an anchor whose signature holds under one of `keys` (matched by kid, ES256 only);
 * throws otherwise. The offline verifier (scripts/audit-verify.mjs) does the same without jose.
 */
export async function verifyAnchor(jws: string, keys: readonly JWK[]): Promise<AnchorPayload & { kid: string }> {
  const header = decodeProtectedHeader(jws);
  if (header.typ !== ANCHOR_JWS_TYPE) throw new Error(`not an audit anchor (typ ${String(header.typ)})`);
  const { payload } = await compactVerify(jws, createLocalJWKSet({ keys: [...keys] }), { algorithms: ['ES256'] });
  return { ...(JSON.parse(new TextDecoder().decode(payload)) as AnchorPayload), kid: header.kid! };
}
