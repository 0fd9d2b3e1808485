import { AppError } from './app-error';
import { CORE_ERROR_CODES, ERROR_CATALOGUE, problemTypeFor } from './error-catalog';
import type { FieldError } from './field-error';

/** An RFC 9457 problem document, with Flowgate's members `code`, `requestId`, `traceId` and `errors`. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: string;
  readonly requestId: string;
  /** The W3C trace id of the request, when it was traced. */
  readonly traceId?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export interface ProblemContext {
  /** The request path (without the query string, which may carry values not meant for echoing). */
  readonly instance: string;
  readonly requestId: string;
  /** The request's trace id while tracing is on (`currentTraceId()`); omitted from the problem when absent. */
  readonly traceId?: string;
}

/** Builds the response body for an application error. Pure: no framework, no I/O. */
export function toProblemDetails(error: AppError, context: ProblemContext): ProblemDetails {
  // A code nobody registered is a bug: answered as the 500 it is, never as a made-up problem type.
  const registered = ERROR_CATALOGUE.entryOf(error.code);
  const code = registered ? error.code : 'internal_error';
  const { status, title } = registered ?? CORE_ERROR_CODES.internal_error;
  // A 500 says nothing about its cause: the request id (and the trace id) are the handles to the
  // logs and the trace.
  const detail =
    status === 500
      ? `An unexpected error occurred. Quote request id ${context.requestId} when reporting it.`
      : error.detail;
  return {
    ...(status === 500 ? {} : error.extensions),
    type: problemTypeFor(code),
    title,
    status,
    detail,
    instance: context.instance,
    code,
    requestId: context.requestId,
    ...(context.traceId ? { traceId: context.traceId } : {}),
    ...(error.errors.length > 0 ? { errors: error.errors } : {}),
  };
}
