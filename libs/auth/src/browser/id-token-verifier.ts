import { Injectable } from '@nestjs/common';
import { AppError, FlowgateConfig } from '@flowgate/core';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { IssuerRegistry } from '../verification/issuer-registry';
import { tokenSubject } from '../verification/token-subject';

/** Who an ID token names, in the same terms as access tokens (identity source and subject). */
export interface SignedInSubject {
  readonly tenantId: string;
  readonly objectId: string;
}

/**
 * Checks a sign-in's ID token (OpenID Connect Core §3.1.3.7) rather than trusting it because it
 * came over TLS from the token endpoint: RS256 with a key of a trusted issuer, `aud` this client,
 * `exp`/`iat` within the clock skew, and the `nonce` this sign-in sent. MSAL compares the nonce
 * too; the signature is checked here. The subject comes from the issuer as for access tokens.
 */
@Injectable()
export class IdTokenVerifier {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly issuers: IssuerRegistry,
  ) {}

  async verify(idToken: string, nonce: string): Promise<SignedInSubject> {
    try {
      const header = decodeProtectedHeader(idToken);
      const issuer = this.issuers.find(decodeJwt(idToken).iss);
      if (!issuer || header.alg !== 'RS256') throw new Error('untrusted issuer or algorithm');
      const { payload } = await jwtVerify(idToken, await issuer.keys.keyFor(header), {
        issuer: issuer.issuer,
        audience: this.config.auth.browser.clientId,
        algorithms: ['RS256'],
        clockTolerance: this.config.auth.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'nonce'],
      });
      if (payload.nonce !== nonce) throw new Error('nonce mismatch');
      const subject = tokenSubject(issuer, payload);
      if (!subject.ok) throw new Error('subject not valid');
      return subject.subject;
    } catch {
      throw new AppError('sign_in_failed', 'The identity provider’s answer could not be verified; sign in again.');
    }
  }
}
