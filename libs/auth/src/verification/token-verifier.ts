import { Injectable } from '@nestjs/common';
import { AppError, FlowgateConfig } from '@flowgate/core';
import { decodeJwt, decodeProtectedHeader, errors, JWSHeaderParameters, JWTPayload, jwtVerify } from 'jose';
import { bearerChallenge } from '../step-up/www-authenticate';
import { IssuerRegistry, TrustedIssuer } from './issuer-registry';
import { KeyNotFound, KeysUnavailable } from './key-source';
import { tokenSubject } from './token-subject';
import type { VerifiedToken } from './verified-token';
import { VerifiedTokenCache } from './verified-token-cache';

/** Header members that would let a token name its own verification key. */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/**
 * Verifies bearer access tokens from any trusted OIDC issuer: size first (before any parsing),
 * RS256 only, no embedded or remote key references, a trusted `iss` with a key from that
 * issuer's JWKS, `aud`, `exp`/`nbf`/`iat` within the clock skew, the subject the issuer may
 * speak for (Entra: `tid` of the issuer's tenant and a UUID `oid`; other OIDC: a sane `sub`,
 * see token-subject.ts), and access tokens only (an ID token is not a credential for an API).
 */
@Injectable()
export class TokenVerifier {
  private readonly cache: VerifiedTokenCache;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly issuers: IssuerRegistry,
  ) {
    this.cache = new VerifiedTokenCache(config.auth.tokenCacheSize);
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (Buffer.byteLength(token) > this.config.auth.maxTokenBytes) throw invalidToken();
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const cached = this.cache.get(cacheKey);
    if (cached && this.keyStillPublished(cached)) return cached;
    if (cached) this.cache.delete(cacheKey);
    const verified = await this.verifyUncached(token);
    // A token without `kid` cannot be checked against a later key set, so it is never cached.
    if (verified.keyId !== undefined) this.cache.set(cacheKey, verified);
    return verified;
  }

  /**
   * A cached verdict holds only while the issuer still publishes the key that signed the token: a
   * key rotated out (or withdrawn after a compromise) must stop vouching for tokens at once, not
   * when they expire. A set lookup on the key set last fetched; it never fetches.
   */
  private keyStillPublished(cached: VerifiedToken): boolean {
    return cached.keyId !== undefined && this.issuers.find(cached.issuer)?.keys.hasKey(cached.keyId) === true;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const header = decodeOrReject(() => decodeProtectedHeader(token));
    if (header.alg !== 'RS256' || KEY_CARRYING_HEADERS.some((name) => name in header) || header.crit) {
      throw invalidToken();
    }
    const unverified = decodeOrReject(() => decodeJwt(token));
    const issuer = this.issuers.find(unverified.iss);
    if (!issuer) throw invalidToken();

    const payload = await this.checkSignatureAndClaims(token, header, issuer);
    const identity = tokenSubject(issuer, payload);
    if (!identity.ok) throw invalidToken();
    if (!isAccessToken(header, payload)) throw invalidToken();
    if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') throw invalidToken();
    return {
      claims: payload,
      issuer: issuer.issuer,
      issuerKind: issuer.kind,
      ...identity.subject,
      issuedAtSeconds: payload.iat,
      expiresAtMs: payload.exp * 1000,
      keyId: typeof header.kid === 'string' ? header.kid : undefined,
    };
  }

  private async checkSignatureAndClaims(
    token: string,
    header: JWSHeaderParameters,
    issuer: TrustedIssuer,
  ): Promise<JWTPayload & Record<string, unknown>> {
    let key;
    try {
      key = await issuer.keys.keyFor(header);
    } catch (error) {
      if (error instanceof KeyNotFound) throw invalidToken();
      if (error instanceof KeysUnavailable) {
        throw new AppError('dependency_unavailable', 'Tokens cannot be verified right now; try again shortly.', {
          headers: { 'Retry-After': String(error.retryAfterSeconds) },
          cause: error,
        });
      }
      throw error;
    }
    const skew = this.config.auth.clockSkewSeconds;
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: issuer.issuer,
        audience: [...this.config.auth.audiences],
        algorithms: ['RS256'],
        clockTolerance: skew,
        requiredClaims: ['exp', 'iat'],
      });
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + skew) throw invalidToken();
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw invalidToken('The access token has expired.');
      if (error instanceof AppError) throw error;
      throw invalidToken();
    }
  }
}

function decodeOrReject<T>(decode: () => T): T {
  try {
    return decode();
  } catch {
    throw invalidToken();
  }
}

/**
 * Entra marks neither kind in the header (`typ: JWT` for both), so the claims decide: an access
 * token carries delegated scopes (`scp`) or application roles (`roles`) and never the `nonce` or
 * hash claims of a sign-in; RFC 9068 tokens say `typ: at+jwt` outright.
 */
function isAccessToken(header: JWSHeaderParameters, payload: JWTPayload): boolean {
  if (typeof header.typ === 'string' && header.typ.toLowerCase() === 'at+jwt') return true;
  if ('nonce' in payload || 'at_hash' in payload || 'c_hash' in payload) return false;
  return typeof payload.scp === 'string' || Array.isArray(payload.roles);
}

/** 401 with the RFC 6750 challenge; the description never says which check failed. */
export function invalidToken(description = 'The access token is not valid.'): AppError {
  return new AppError('invalid_token', description, {
    headers: { 'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', error_description: description }) },
  });
}
