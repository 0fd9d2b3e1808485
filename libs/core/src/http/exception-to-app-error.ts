import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { codeForStatus } from '../errors/error-catalog';

/**
 * Normalises whatever reached the filter into an `AppError`. Our code throws `AppError`; Nest,
 * Express and libraries throw `HttpException`s or plain errors, which are mapped by status.
 * `allowedMethods` resolves the 404-versus-405 question for requests no route matched.
 */
export function exceptionToAppError(
  exception: unknown,
  req: Request,
  allowedMethods: (path: string) => string[],
): AppError {
  if (exception instanceof AppError) return exception;

  // A 404 for a method the path does not route is Nest's "no such route" answer. (A handler that
  // throws a 404 of its own sits on a route that does accept the method.)
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    const allow = allowedMethods(req.path);
    if (allow.length > 0 && !allow.includes(req.method)) {
      return new AppError('method_not_allowed', `${req.method} is not supported here; use ${allow.join(', ')}.`, {
        headers: { Allow: allow.join(', ') },
      });
    }
    if (allow.length === 0)
      return new AppError('route_not_found', `There is no endpoint at ${req.method} ${req.path}.`);
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) return new AppError('internal_error', 'Internal error', { cause: exception });
    return new AppError(codeForStatus(status), messageOf(exception), { cause: exception });
  }

  // Errors from Express middleware (http-errors) carry a status and say whether it is safe to expose.
  const status = (exception as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (exception as { expose?: boolean }).expose) {
    return new AppError(codeForStatus(status), (exception as Error).message, { cause: exception });
  }

  return new AppError('internal_error', 'Internal error', { cause: exception });
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
