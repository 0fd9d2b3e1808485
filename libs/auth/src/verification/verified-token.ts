import type { JWTPayload } from 'jose';
import type { IssuerKind } from './trusted-issuer';

/** A token that passed every check, with the claims the rest of the request may rely on. */
export interface VerifiedToken {
  readonly claims: JWTPayload & Record<string, unknown>;
  readonly issuer: string;
  readonly issuerKind: IssuerKind;
  /** The user's tenant: `tid` for Entra, the issuer itself for other OIDC providers. */
  readonly tenantId: string;
  /** The user's immutable id in that tenant: `oid` for Entra, `sub` otherwise. */
  readonly objectId: string;
  readonly issuedAtSeconds: number;
  readonly expiresAtMs: number;
}
