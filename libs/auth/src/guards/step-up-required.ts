import { AppError } from '@flowgate/core';
import type { Principal } from '../principal/principal';
import type { StepUpVerdict } from '../step-up/step-up';

/**
 * The 401 for a missing or stale strong authentication: the challenge goes in `WWW-Authenticate`
 * (Entra claims challenge or RFC 9470) and the same facts in the problem body, for clients that
 * only read JSON.
 */
export function stepUpRequired(
  verdict: Extract<StepUpVerdict, { satisfied: false }>,
  /** For a browser session: where the page sends the person to sign in again, stepped up. */
  signInUrl?: string,
): AppError {
  const { challenge, reason } = verdict;
  return new AppError('step_up_required', 'This operation needs a recent multi-factor sign-in.', {
    headers: { 'WWW-Authenticate': challenge.wwwAuthenticate },
    extensions: {
      reason,
      challengeFormat: challenge.format,
      acrValues: challenge.acrValues,
      ...(challenge.maxAge !== undefined ? { maxAge: challenge.maxAge } : {}),
      ...(challenge.claims !== undefined ? { claims: challenge.claims } : {}),
      ...(signInUrl !== undefined ? { signInUrl } : {}),
    },
  });
}

/**
 * The step-up 401 for this principal, from a route guard or a workflow definition alike. A browser
 * session cannot answer a challenge header, so it is also told where to sign in again, stepped up.
 */
export function stepUpRequiredFor(
  principal: Principal,
  verdict: Extract<StepUpVerdict, { satisfied: false }>,
): AppError {
  const signInUrl =
    principal.via === 'session' ? `/auth/login?stepUp=${encodeURIComponent(verdict.challenge.acrValues)}` : undefined;
  return stepUpRequired(verdict, signInUrl);
}
