import { defineErrorCodes, type ErrorCodesOf } from '@flowgate/core';

/**
 * Codes of the admin rules on users and role grants.
 * The composition root registers them (`registerErrorCodes`); the augmentation below lets
 * `new AppError('self_modification_forbidden', …)` type-check.
 */
export const USERS_ERROR_CODES = defineErrorCodes({
  self_modification_forbidden: { status: 403, title: 'You cannot change your own access' },
  grant_not_allowed: { status: 403, title: 'You cannot grant a role you do not hold' },
  last_active_admin: { status: 409, title: 'The last active admin cannot be suspended' },
});

declare module '@flowgate/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ErrorCodesOf<typeof USERS_ERROR_CODES> {}
}
