import { AppError } from '@flowgate/core';
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
