import type { AppError, HttpRequest } from '@flowgate/core';

/**
 * The per-client budget that failed authentications draw on (unauthenticated traffic is limited
 * by client IP). Implemented by the traffic library, which owns rate limits; declared here so that
 * the auth library does not depend on it.
 */
export abstract class FailedAuthentications {
  /**
   * Counts one failed authentication against the client's budget. Returns the 429 to answer
   * instead of the 401 (or the 503 while an issuer's keys are unavailable) when the budget is used
   * up; a token that verifies is never counted or refused.
   */
  abstract record(req: HttpRequest): Promise<AppError | undefined>;
}
