import { decodeSegment, encodeSegment, JsonMembers, splitCompact } from './compact-jws';

/**
 * Edits of a signed token that keep its original signature: what an attacker who holds a real
 * token but not the key can do. A patch member set to `undefined` removes that member.
 */
export function tamperPayload(token: string, patch: JsonMembers): string {
  const [header, payload, signature] = splitCompact(token);
  return `${header}.${encodeSegment({ ...decodeSegment(payload), ...patch })}.${signature}`;
}

export function tamperHeader(token: string, patch: JsonMembers): string {
  const [header, payload, signature] = splitCompact(token);
  return `${encodeSegment({ ...decodeSegment(header), ...patch })}.${payload}.${signature}`;
}

/** Flips one bit in the middle of the signature; the length and the base64url alphabet stay valid. */
export function tamperSignature(token: string): string {
  const [header, payload, signature] = splitCompact(token);
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length === 0) throw new Error('The token has no signature to tamper with');
  bytes[bytes.length >> 1] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
