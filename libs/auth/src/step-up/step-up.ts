import type { IssuerKind } from '../verification/trusted-issuer';
import { DEFAULT_ENTRA_AUTHORIZATION_URI, StepUpPolicy } from './step-up-policy';
import { bearerChallenge } from './www-authenticate';

/**
 * The claims step-up reads, untrusted in shape: a verified token can still carry odd types. The
 * index signature lets a whole verified payload be passed as is.
 */
export interface StepUpClaims {
  readonly [claim: string]: unknown;
  readonly acr?: unknown;
  readonly acrs?: unknown;
  readonly amr?: unknown;
  readonly auth_time?: unknown;
  readonly xms_cc?: unknown;
}

export type StepUpReason = 'no_strong_authentication' | 'authentication_too_old';

/** Plain facts, so the 401 problem body can carry the same information as the header. */
export interface StepUpChallenge {
  readonly format: 'entra_claims_challenge' | 'rfc9470';
  readonly wwwAuthenticate: string;
  /** Base64 of the claims request the client passes to Entra (claims-challenge format only). */
  readonly claims?: string;
  readonly acrValues: string;
  readonly maxAge?: number;
}

export type StepUpVerdict =
  | { readonly satisfied: true }
  | { readonly satisfied: false; readonly reason: StepUpReason; readonly challenge: StepUpChallenge };

// No commas: some clients split challenge parameters on commas without honouring quotes.
const DESCRIPTIONS: Readonly<Record<StepUpReason, string>> = {
  no_strong_authentication: 'This operation requires a stronger authentication',
  authentication_too_old: 'This operation requires a more recent authentication',
};

function listIncludes(claim: unknown, value: string): boolean {
  return Array.isArray(claim) && (claim as unknown[]).includes(value);
}

/**
 * The claims of a token that step-up may read, given who issued it. Entra v1 tokens carry an `acr`
 * of their own ("0" or "1": whether the sign-in met ISO/IEC 29115), not an authentication context,
 * so it must never be compared with one; every other issuer's `acr` is the standard claim.
 */
export function stepUpClaimsOf(issuerKind: IssuerKind, claims: StepUpClaims): StepUpClaims {
  const { acr, acrs, amr, auth_time, xms_cc } = claims;
  // One literal of one shape: a conditional spread here cost about 1 % of a read's CPU (profile).
  return { acr: issuerKind === 'entra-v1' ? undefined : acr, acrs, amr, auth_time, xms_cc };
}

/**
 * Whether the authentication behind a token meets `policy` at `nowSeconds`, and if not, how to ask
 * the client for a better one.
 *
 * Strong means the token carries the policy's auth context: in `acrs` (Entra v2 tokens), or as its
 * `acr` (the standard claim, RFC 9470 §3 and OpenID Connect Core: one string, compared exactly), or
 * `mfa` in `amr` (Entra v1 tokens, which have neither). With a max age, `auth_time` must be a
 * number no older than it; a token without one cannot prove it is recent, so it fails.
 */
export function evaluateStepUp(claims: StepUpClaims, policy: StepUpPolicy, nowSeconds: number): StepUpVerdict {
  const strong =
    listIncludes(claims.acrs, policy.acrs) || claims.acr === policy.acrs || listIncludes(claims.amr, 'mfa');
  const authTime = claims.auth_time;
  const recent =
    policy.maxAgeSeconds === undefined ||
    (typeof authTime === 'number' && Number.isFinite(authTime) && nowSeconds - authTime <= policy.maxAgeSeconds);
  if (strong && recent) return { satisfied: true };
  const reason: StepUpReason = strong ? 'authentication_too_old' : 'no_strong_authentication';
  return { satisfied: false, reason, challenge: challengeFor(policy, reason, listIncludes(claims.xms_cc, 'cp1')) };
}

/**
 * A policy has four challenges at most (two reasons, two formats), and most requests carry a
 * token that does not meet it: each is built once per policy rather than on every request.
 */
const challenges = new WeakMap<StepUpPolicy, Map<string, StepUpChallenge>>();

function challengeFor(policy: StepUpPolicy, reason: StepUpReason, claimsChallengeCapable: boolean): StepUpChallenge {
  let built = challenges.get(policy);
  if (!built) challenges.set(policy, (built = new Map<string, StepUpChallenge>()));
  const key = `${reason} ${claimsChallengeCapable}`;
  let challenge = built.get(key);
  if (!challenge) {
    challenge = claimsChallengeCapable ? entraClaimsChallenge(policy, reason) : rfc9470Challenge(policy, reason);
    built.set(key, challenge);
  }
  return challenge;
}

/**
 * Microsoft's claims challenge, for clients that declared (`xms_cc` contains `cp1`) they can pass
 * it back as a claims request: https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
function entraClaimsChallenge(policy: StepUpPolicy, reason: StepUpReason): StepUpChallenge {
  const request = { access_token: { acrs: { essential: true, value: policy.acrs } } };
  const claims = Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
  return {
    format: 'entra_claims_challenge',
    wwwAuthenticate: bearerChallenge({
      realm: '',
      authorization_uri: policy.authorizationUri ?? DEFAULT_ENTRA_AUTHORIZATION_URI,
      error: 'insufficient_claims',
      error_description: DESCRIPTIONS[reason],
      claims,
    }),
    claims,
    acrValues: policy.acrs,
    ...(policy.maxAgeSeconds === undefined ? {} : { maxAge: policy.maxAgeSeconds }),
  };
}

/** RFC 9470 §3, for every other client. */
function rfc9470Challenge(policy: StepUpPolicy, reason: StepUpReason): StepUpChallenge {
  return {
    format: 'rfc9470',
    wwwAuthenticate: bearerChallenge({
      error: 'insufficient_user_authentication',
      error_description: DESCRIPTIONS[reason],
      acr_values: policy.acrs,
      max_age: policy.maxAgeSeconds,
    }),
    acrValues: policy.acrs,
    ...(policy.maxAgeSeconds === undefined ? {} : { maxAge: policy.maxAgeSeconds }),
  };
}
