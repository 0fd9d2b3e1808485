import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { pointerTo } from '../errors/field-error';

/** A path parameter that must be a UUID; otherwise 400 `validation_failed` pointing at it. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new AppError('validation_failed', `The ${name} in the path is not a UUID.`, {
          errors: [{ pointer: pointerTo('path', name), detail: `${name} must be a UUID`, code: 'is_uuid' }],
        }),
    }),
  );
}
