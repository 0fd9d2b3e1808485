import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError } from '../errors/app-error';
import { pointerTo } from '../errors/field-error';

/**
 * A path parameter that must be a UUID; otherwise 400 `validation_failed` pointing at it. The
 * contract says so too (`format: uuid`), so a generated client knows before it asks.
 */
export function UuidParam(name: string): ParameterDecorator {
  const param = Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new AppError('validation_failed', `The ${name} in the path is not a UUID.`, {
          errors: [{ pointer: pointerTo('path', name), detail: `${name} must be a UUID`, code: 'is_uuid' }],
        }),
    }),
  );
  return (target, method, index) => {
    param(target, method, index);
    if (method === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, method);
    if (descriptor) ApiParam({ name, schema: { type: 'string', format: 'uuid' } })(target, method, descriptor);
  };
}
