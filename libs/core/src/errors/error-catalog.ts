/** What a code means over HTTP: the status its problems carry and their `title`. */
export interface ErrorCodeEntry {
  readonly status: number;
  readonly title: string;
}

/**
 * Declares a set of error codes. Pure data: the set does nothing until the composition root
 * registers it (`registerErrorCodes`). A feature declares its own set and makes its codes known to
 * the type checker by augmenting `ErrorCodes`:
 *
 *   export const USERS_ERROR_CODES = defineErrorCodes({ last_active_admin: { status: 409, title: '…' } });
 *   declare module '@flowgate/core' {
 *     interface ErrorCodes extends ErrorCodesOf<typeof USERS_ERROR_CODES> {}
 *   }
 */
export function defineErrorCodes<const T extends Record<string, ErrorCodeEntry>>(codes: T): Readonly<T> {
  return Object.freeze({ ...codes });
}

/** The codes of a set, as the members `ErrorCodes` is augmented with. */
export type ErrorCodesOf<T extends Readonly<Record<string, ErrorCodeEntry>>> = {
  readonly [K in keyof T]: ErrorCodeEntry;
};

/**
 * The generic codes: HTTP and framework answers any service gives, whatever its business. Clients
 * and the generated SDK branch on `code`; adding a code is fine, renaming or re-purposing one is a
 * breaking change. Business codes (`already_voted`, `last_active_admin`, …) belong to their feature.
 */
export const CORE_ERROR_CODES = defineErrorCodes({
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_request: { status: 400, title: 'The request could not be parsed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  invalid_token: { status: 401, title: 'The access token is not valid' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Resource not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this endpoint' },
  client_timeout: { status: 408, title: 'The request did not arrive in time' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  expectation_failed: { status: 417, title: 'The expectation cannot be met' },
  unprocessable: { status: 422, title: 'Request cannot be processed' },
  precondition_required: { status: 428, title: 'Precondition required' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal_error: { status: 500, title: 'Internal server error' },
  dependency_unavailable: { status: 503, title: 'A dependency is unavailable' },
  request_timeout: { status: 503, title: 'The request took too long' },
});

/**
 * Every code `AppError` accepts: core's, plus each feature's by module augmentation (see
 * `defineErrorCodes`). Types only; what the API answers with is what was registered.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes extends ErrorCodesOf<typeof CORE_ERROR_CODES> {}

export type ErrorCode = Extract<keyof ErrorCodes, string>;

/** One entry of the published catalogue (`GET /v1/problem-types`). */
export interface CatalogueEntry extends ErrorCodeEntry {
  readonly code: ErrorCode;
}

/**
 * The codes the API answers with: core's, then each set the composition root registers, in that
 * order. Listed by status, in registration order within a status, so the published catalogue and
 * the contract read the same whatever order modules happen to load in.
 */
export class ErrorCatalogue {
  private readonly entries = new Map<string, { readonly entry: ErrorCodeEntry; readonly set: object }>();
  private ordered: CatalogueEntry[] | undefined;

  constructor(...sets: readonly Readonly<Record<string, ErrorCodeEntry>>[]) {
    this.register(...sets);
  }

  /** Adds sets of codes. Registering a set again changes nothing; a code two sets declare throws. */
  register(...sets: readonly Readonly<Record<string, ErrorCodeEntry>>[]): void {
    for (const set of sets) {
      for (const [code, entry] of Object.entries(set)) {
        const known = this.entries.get(code);
        if (known?.set === set) continue;
        if (known) throw new Error(`Error code "${code}" is declared twice: codes are one namespace for the API`);
        this.entries.set(code, { entry, set });
        this.ordered = undefined;
      }
    }
  }

  has(code: string): code is ErrorCode {
    return this.entries.has(code);
  }

  /** The status and title of a registered code; undefined for one nobody registered. */
  entryOf(code: string): ErrorCodeEntry | undefined {
    return this.entries.get(code)?.entry;
  }

  list(): readonly CatalogueEntry[] {
    this.ordered ??= [...this.entries]
      .map(([code, { entry }]) => ({ code: code as ErrorCode, status: entry.status, title: entry.title }))
      .sort((a, b) => a.status - b.status);
    return this.ordered;
  }

  /** The codes of one status, in catalogue order. */
  codesFor(status: number): ErrorCode[] {
    return this.list()
      .filter((entry) => entry.status === status)
      .map((entry) => entry.code);
  }
}

/** The API's catalogue: core's codes now, the features' once the composition root registers them. */
export const ERROR_CATALOGUE = new ErrorCatalogue(CORE_ERROR_CODES);

/** Called by the composition root with every feature's set, in the order the catalogue lists them. */
export function registerErrorCodes(...sets: readonly Readonly<Record<string, ErrorCodeEntry>>[]): void {
  ERROR_CATALOGUE.register(...sets);
}

/** Problem type URIs are identifiers first; `docs/api/errors.md` documents each one. */
export const PROBLEM_TYPE_BASE = 'https://flowgate.dev/problems/';

export function problemTypeFor(code: ErrorCode): string {
  return PROBLEM_TYPE_BASE + code.replace(/_/g, '-');
}

export function isErrorCode(value: string): value is ErrorCode {
  return ERROR_CATALOGUE.has(value);
}

/** The code used for a bare HTTP status when nothing more specific is known. */
export function codeForStatus(status: number): ErrorCode {
  const [match] = ERROR_CATALOGUE.codesFor(status);
  if (match) return match;
  return status >= 500 ? 'internal_error' : 'malformed_request';
}
