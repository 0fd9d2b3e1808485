import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';
import { ApiProblemResponses } from '@flowgate/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENT = 'flowgate:idempotent';

export interface IdempotentOptions {
  /** Refuse the request (400) without an `Idempotency-Key`. */
  readonly required: boolean;
}

/**
 * Makes a POST route idempotent under the `Idempotency-Key` header: the first request's answer is
 * stored with its change, in one transaction, and replayed to every retry with the same key (see
 * docs/traffic.md). The contract shows the header, the replay marker and the 409/422 problems.
 */
export function Idempotent(options: IdempotentOptions) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description:
        'A unique value per intended change (a UUID is ideal), as a bare token or a quoted string. A retry ' +
        'with the same key and the same request gets the first answer again (`Idempotent-Replayed: true`); ' +
        'the same key with a different request is refused (422); while the first is running, 409.',
      schema: { type: 'string', minLength: 1, maxLength: 257, pattern: '^"?[A-Za-z0-9._~:+/=-]{1,255}"?$' },
    }),
    ApiExtension('x-idempotency', { required: options.required }),
    ApiProblemResponses(400, 409, 422),
  );
}
