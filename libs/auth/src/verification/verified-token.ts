import type { JWTPayload } from 'jose';
import type { IssuerKind } from './trusted-issuer';

/** A token that passed every check, with the claims the rest of the request may rely on. */
export interface VerifiedToken {
  readonly claims: JWTPayload & Record<string, unknown>;
  readonly issuer: string;
  readonly issuerKind: IssuerKind;
  /** The identity source, from the verifying issuer: its tenant (Entra, lower case) or the issuer itself (OIDC). */
  readonly tenantId: string;
  /** The user's immutable id in that source: `oid` for Entra (lower case), `sub` otherwise. */
  readonly objectId: string;
  readonly issuedAtSeconds: number;
  readonly expiresAtMs: number;
  /** The header `kid` of the key that verified it, if the token named one. */
  readonly keyId: string | undefined;
}
