import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '../../errors/app-error';
import type { RequestLocation } from '../../errors/field-error';
import { flattenValidationErrors } from './validation-errors';

const LOCATIONS: Record<ArgumentMetadata['type'], RequestLocation> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'headers',
};

/** Carries class-validator's errors out of `ValidationPipe` to where the location is known. */
class ValidationFailure extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/**
 * Nest's `ValidationPipe`, configured strictly (unknown fields are errors, not silently dropped)
 * and answering with every failing field as a JSON Pointer into the request.
 */
@Injectable()
export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailure(errors),
    });
  }

  /**
   * A parameter with nothing to validate (the principal, a path id its own pipe parsed) is
   * answered as `ValidationPipe` would, but synchronously: Nest awaits whatever a pipe returns, and
   * the two async layers cost two promises per parameter, each also run through
   * AsyncLocalStorage's hook (docs/performance.md). `ValidationPipe` types its answer as a promise;
   * `PipeTransform`, which Nest calls, allows any value.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  override transform(value: unknown, metadata: ArgumentMetadata): any {
    if (!this.expectedType && (!metadata.metatype || !this.toValidate(metadata))) {
      return this.isTransformEnabled ? this.transformPrimitive(value, metadata) : value;
    }
    return this.validated(value, metadata);
  }

  private async validated(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof ValidationFailure)) throw error;
      const errors = flattenValidationErrors(error.errors, LOCATIONS[metadata.type]);
      const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
      throw new AppError('validation_failed', `The ${LOCATIONS[metadata.type]} has ${count}; see errors.`, { errors });
    }
  }
}
