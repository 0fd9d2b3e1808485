import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailability } from '../database/database-unavailability';
import { AppError } from '../errors/app-error';
import { codeForStatus } from '../errors/error-catalog';
import { HttpRequest, pathOf } from './http-types';

/** How long a client should wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Normalises whatever reached the filter into an `AppError`. Our code throws `AppError`; Nest,
 * Fastify and libraries throw `HttpException`s or plain errors, which are mapped by status.
 * PostgreSQL being unreachable (refused or lost connections, pool acquire timeouts, shutdown
 * and connection SQLSTATEs: `isDatabaseUnavailability`) is a 503 with `Retry-After`, not a 500.
 * `allowedMethods` resolves the 404-versus-405 question for requests no route matched.
 */
export function exceptionToAppError(
  exception: unknown,
  req: HttpRequest,
  allowedMethods: (path: string) => string[],
): AppError {
  if (exception instanceof AppError) return exception;

  // A 404 for a method the path does not route is Nest's "no such route" answer. (A handler that
  // throws a 404 of its own sits on a route that does accept the method.)
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    const path = pathOf(req);
    const allow = allowedMethods(path);
    if (allow.length > 0 && !allow.includes(req.method)) {
      return new AppError('method_not_allowed', `${req.method} is not supported here; use ${allow.join(', ')}.`, {
        headers: { Allow: allow.join(', ') },
      });
    }
    if (allow.length === 0) return new AppError('route_not_found', `There is no endpoint at ${req.method} ${path}.`);
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const fromBodyParsing = bodyParsingError(status, req, exception);
    if (fromBodyParsing) return fromBodyParsing;
    if (status >= 500) return new AppError('internal_error', 'Internal error', { cause: exception });
    return new AppError(codeForStatus(status), messageOf(exception), { cause: exception });
  }

  if (isDatabaseUnavailability(exception)) {
    return new AppError('dependency_unavailable', 'The database is unavailable; retry shortly.', {
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      cause: exception,
    });
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

/**
 * Fastify rejects a body before any Nest code runs (another media type: 415; over the limit:
 * 413), and Nest hands those errors to the filter as plain `HttpException`s. They get our wording.
 */
function bodyParsingError(status: number, req: HttpRequest, cause: unknown): AppError | undefined {
  if (status === 415) {
    const contentType = req.headers['content-type'];
    return new AppError(
      'unsupported_media_type',
      `Request bodies must be application/json; got ${contentType ? `"${contentType}"` : 'no Content-Type'}.`,
      { cause },
    );
  }
  if (status === 413) {
    return new AppError('payload_too_large', 'The request body is larger than this API accepts.', { cause });
  }
  return undefined;
}
