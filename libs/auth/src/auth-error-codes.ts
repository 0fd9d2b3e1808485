import { defineErrorCodes, type ErrorCodesOf } from '@flowgate/core';

/**
 * Codes of token verification and the guards: who the caller is and whether their roles and
 * authentication suffice.
 * The composition root registers them (`registerErrorCodes`); the augmentation below lets
 * `new AppError('session_revoked', …)` type-check.
 */
export const AUTH_ERROR_CODES = defineErrorCodes({
  session_revoked: { status: 401, title: 'The session was revoked' },
  step_up_required: { status: 401, title: 'A stronger authentication is required' },
  insufficient_role: { status: 403, title: 'Your roles do not allow this' },
  user_suspended: { status: 403, title: 'Your account is suspended' },
  sign_in_failed: { status: 400, title: 'The sign-in could not be completed' },
  return_to_not_allowed: { status: 400, title: 'The return address is not an allowed application address' },
  session_expired: { status: 401, title: 'The browser session has ended' },
  session_unavailable: { status: 401, title: 'Browser sessions cannot be checked right now' },
  csrf_rejected: { status: 403, title: 'Cross-site request refused' },
});

declare module '@flowgate/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ErrorCodesOf<typeof AUTH_ERROR_CODES> {}
}
