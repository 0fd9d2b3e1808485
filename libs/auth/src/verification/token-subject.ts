import { hasControlCharacters } from './control-characters';
import type { TrustedIssuerSpec } from './trusted-issuer';

/**
 * Who a verified token is about, as the user directory keys it: the identity source and the
 * subject within it. The names are the stored ones (`users.tenant_id` / `users.object_id`, and
 * `tenantId` / `objectId` in the API, the audit chain and the SDK).
 */
export interface TokenSubject {
  /** Entra-shaped issuers: their tenant id (lower-case UUID). Plain OIDC: the issuer, as configured. */
  readonly tenantId: string;
  /** Entra-shaped issuers: `oid` (lower-case UUID). Plain OIDC: `sub`, exactly as sent. */
  readonly objectId: string;
}

export type SubjectRejection =
  /** Entra-shaped: `tid` is missing, not a UUID, or not the tenant of the issuer. */
  | 'tid_not_issuer_tenant'
  /** Entra-shaped: `oid` is missing or not a UUID (`sub` is never a stand-in). */
  | 'oid_invalid'
  /** Plain OIDC: `sub` is missing, empty, too long, padded or carries control characters. */
  | 'sub_invalid';

export type SubjectVerdict =
  { readonly ok: true; readonly subject: TokenSubject } | { readonly ok: false; readonly reason: SubjectRejection };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** OpenID Connect Core §2: `sub` must not exceed 255 ASCII characters; counted in code points, as PostgreSQL does. */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * The identity a token speaks for, derived from the issuer that verified it and never from claims
 * alone: an OIDC issuer that puts `tid`/`oid` claims in its tokens still only names its own
 * users (`sub` under its own issuer string), so it can never act as an Entra user, whatever it
 * signs. Both forms are canonical (one spelling per user), so letter case or padding never
 * makes a second user out of one person.
 */
export function tokenSubject(issuer: TrustedIssuerSpec, claims: Readonly<Record<string, unknown>>): SubjectVerdict {
  if (issuer.kind === 'oidc') {
    return isValidSubject(claims.sub)
      ? { ok: true, subject: { tenantId: issuer.issuer, objectId: claims.sub } }
      : { ok: false, reason: 'sub_invalid' };
  }
  const tenantId = issuer.tenantId.toLowerCase();
  if (canonicalUuid(claims.tid) !== tenantId) return { ok: false, reason: 'tid_not_issuer_tenant' };
  const objectId = canonicalUuid(claims.oid);
  if (objectId === undefined) return { ok: false, reason: 'oid_invalid' };
  return { ok: true, subject: { tenantId, objectId } };
}

/** The lower-case form of a UUID in any letter case; undefined for anything else (braces, padding, non-strings). */
export function canonicalUuid(value: unknown): string | undefined {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
}

/**
 * A plain OIDC `sub` is opaque and case-sensitive, so it is kept exactly as sent; what it may not
 * be is something that cannot be stored (NUL, lone surrogates), something invisible that makes
 * two spellings of one subject (padding, control characters), or unbounded.
 */
export function isValidSubject(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.trim() !== value) return false;
  if (hasControlCharacters(value) || !value.isWellFormed()) return false;
  return [...value].length <= MAX_SUBJECT_LENGTH;
}
