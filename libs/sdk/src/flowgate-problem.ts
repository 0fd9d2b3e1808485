import type { components } from './generated/openapi';

export type ProblemDetails = components['schemas']['ProblemDetailsDto'];
export type FieldError = components['schemas']['FieldErrorDto'];

/** The `code` of a `FlowgateProblem` made by the SDK for an answer that was not a problem document. */
export const UNEXPECTED_RESPONSE = 'unexpected_response';

/**
 * True for an RFC 9457 problem from this API. `error` is typed as one already, but a proxy or load
 * balancer in between can answer with something else, so check before relying on `code`.
 */
export function isProblem(value: unknown): value is ProblemDetails {
  if (typeof value !== 'object' || value === null) return false;
  const { type, title, status, code } = value as Record<string, unknown>;
  return (
    typeof type === 'string' && typeof title === 'string' && typeof status === 'number' && typeof code === 'string'
  );
}

// The class carries every member of the contract's problem schema, extension members included
// (`currentETag`, `checks`, `requiredRole`, `allowedTransitions`, …): the constructor copies
// them all from the problem it is given.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface FlowgateProblem extends Readonly<ProblemDetails> {}

/**
 * A problem answer (`application/problem+json`) as an `Error`: what `unwrap` throws, and what
 * `FlowgateProblem.from` makes of a `{ error, response }` for code that would rather not throw.
 * Branch on `code` (stable; `GET /v1/problem-types` lists them), never on `title` or `detail`.
 *
 * An answer that is not a problem document (a proxy's 502 page, an empty 503) becomes one with
 * `code: 'unexpected_response'` and the HTTP status, so callers handle a single error type.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FlowgateProblem extends Error {
  /** The HTTP response the problem came with (headers: `Retry-After`, `WWW-Authenticate`, …). */
  declare readonly response: Response;

  constructor(problem: ProblemDetails, response: Response) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    Object.assign(this, problem);
    // Not enumerable: `JSON.stringify(problem)` is the problem document and nothing else.
    Object.defineProperty(this, 'response', { value: response, enumerable: false });
  }

  static {
    Object.defineProperty(this.prototype, 'name', { value: 'FlowgateProblem' });
  }

  /** `Retry-After` in seconds (429, 503), when the answer says how long to wait. */
  get retryAfterSeconds(): number | undefined {
    const value = this.response.headers.get('retry-after');
    return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
  }

  /** The problem an `openapi-fetch` error result carries, whatever the body was. */
  static from(error: unknown, response: Response): FlowgateProblem {
    if (isProblem(error)) return new FlowgateProblem(error, response);
    return new FlowgateProblem(
      {
        type: 'about:blank',
        title: response.statusText || 'Unexpected response',
        status: response.status,
        detail: `The server answered ${response.status} without a problem document (from a proxy or gateway in between?).`,
        instance: new URL(response.url || 'http://unknown/').pathname,
        code: UNEXPECTED_RESPONSE,
        requestId: response.headers.get('x-request-id') ?? '',
      },
      response,
    );
  }
}

/** What every `client.GET/POST/…` call resolves to (openapi-fetch's `FetchResponse`, reduced). */
export type ClientResult<Data, Problem> =
  { data: Data; error?: never; response: Response } | { data?: never; error: Problem; response: Response };

/** The data type of a call's successful result. */
export type DataOf<Result> = Result extends { data: infer Data; error?: never } ? Data : never;

/**
 * The data of a successful call, or a thrown `FlowgateProblem`:
 * `const workflow = await unwrap(client.GET('/v1/workflows/{id}', { params: { path: { id } } }))`.
 */
export async function unwrap<Result extends ClientResult<unknown, unknown>>(
  call: Result | Promise<Result>,
): Promise<DataOf<Result>> {
  const result = await call;
  if (result.error !== undefined || !result.response.ok) throw FlowgateProblem.from(result.error, result.response);
  // A successful result: openapi-fetch leaves `data` undefined only for an empty body (204).
  return result.data as DataOf<Result>;
}
