import { defineErrorCodes, type ErrorCodesOf } from '@flowgate/core';

/**
 * Codes of webhook subscriptions and deliveries (docs/webhooks.md).
 * The composition root registers them (`registerErrorCodes`); the augmentation below lets
 * `new AppError('webhook_target_refused', …)` type-check.
 */
export const WEBHOOKS_ERROR_CODES = defineErrorCodes({
  delivery_in_progress: { status: 409, title: 'The delivery is being attempted; wait for its outcome' },
  webhook_target_refused: { status: 422, title: 'The webhook URL is not a receiver Flowgate may call' },
});

declare module '@flowgate/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ErrorCodesOf<typeof WEBHOOKS_ERROR_CODES> {}
}
