import { ERROR_CATALOGUE, ErrorCode } from './error-catalog';
import type { FieldError } from './field-error';

export interface AppErrorOptions {
  /** Per-field problems, for validation failures. */
  readonly errors?: readonly FieldError[];
  /** Response headers the error implies (`Allow`, `Retry-After`, `WWW-Authenticate`, ...). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra problem members (RFC 9457 §3.2), e.g. the transitions that are allowed now. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The one error type services throw. It names a stable code from the catalogue and a detail safe
 * to show the caller; the exception filter turns it into a problem response. Services never throw
 * `HttpException`: the mapping from meaning to status lives in the catalogue, not in call sites.
 */
export class AppError extends Error {
  readonly errors: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  /** The catalogue's status for the code; 500 for a code nobody registered (a bug, logged as one). */
  get status(): number {
    return ERROR_CATALOGUE.entryOf(this.code)?.status ?? 500;
  }
}
