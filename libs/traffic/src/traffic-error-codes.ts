import { defineErrorCodes, type ErrorCodesOf } from '@flowgate/core';

/**
 * Codes of the idempotency-key contract (docs/traffic.md). A throttled request is core's
 * `too_many_requests`, the generic HTTP 429.
 * The composition root registers them (`registerErrorCodes`); the augmentation below lets
 * `new AppError('idempotency_key_in_use', …)` type-check.
 */
export const TRAFFIC_ERROR_CODES = defineErrorCodes({
  idempotency_key_in_use: { status: 409, title: 'A request with this idempotency key is still in progress' },
  idempotency_key_reused: { status: 422, title: 'The idempotency key was used for a different request' },
});

declare module '@flowgate/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ErrorCodesOf<typeof TRAFFIC_ERROR_CODES> {}
}
