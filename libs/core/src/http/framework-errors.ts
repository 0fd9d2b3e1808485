import type { FastifyError } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../errors/app-error';
import { pointerTo } from '../errors/field-error';
import { toProblemDetails } from '../errors/problem-details';
import type { HttpReply, HttpRequest } from './http-types';
import { pathOf } from './http-types';
import { PROBLEM_CONTENT_TYPE, ProblemResponder } from './problem-responder';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';
import { securityHeaders } from './security-headers';

/**
 * Everything the HTTP layers below Nest would answer on their own, in their own format, answered
 * here as problems instead: Node's HTTP parser (`answerClientError`) and server
 * (`answerUnmetExpectation`), Fastify's router
 * (`answerFrameworkError`), and what Fastify and its CORS plugin would route oddly
 * (`refuseOnArrival`: missing or repeated headers, empty path segments, non-preflight OPTIONS).
 */

/**
 * Fastify's `frameworkErrors`: what Fastify refuses while routing, before any hook or Nest code
 * runs (a path that is not valid percent-encoding, a path segment over the router's limit). Left
 * to Fastify these would be bare `application/json`; here they get the same problem response,
 * request id and security headers as everything else.
 */
export function answerFrameworkError(error: FastifyError, request: HttpRequest, reply: HttpReply): void {
  reply.headers(securityHeaders());
  reply.header(REQUEST_ID_HEADER, request.id);
  new ProblemResponder().send(request, reply, toAppError(error, request));
}

function toAppError(error: FastifyError, request: HttpRequest): AppError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new AppError('malformed_request', 'The request path is not valid percent-encoding.', { cause: error });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Ids and keys are far shorter: nothing lives at such a path.
      return new AppError('not_found', `There is nothing at ${request.method} ${pathOf(request)}.`, { cause: error });
    default:
      return new AppError('internal_error', 'Internal error', { cause: error });
  }
}

/** Headers whose repetition Node resolves silently (it keeps the first `Authorization`, `Host`,
 * `Content-Type` and `Content-Length` and drops the rest) or that name one thing per request. A
 * request carrying two is ambiguous, and guessing which one counts is how credentials get mixed
 * up and requests smuggled; RFC 9112 §3.2 asks for 400 on two `Host` lines. */
const SINGLE_HEADERS = new Set(['authorization', 'host', 'content-type', 'content-length', 'idempotency-key']);

/**
 * What is refused as soon as the request is routed, before hooks that parse or check anything
 * else, so that no later step has to wonder about it:
 * - an HTTP/1.1 request without `Host` (Node's own check is off: it answers with an empty 400)
 *   → 400 `validation_failed` at `/headers/host`;
 * - a header from `SINGLE_HEADERS` sent twice → 400 `validation_failed` at `/headers/<name>`;
 * - a path that only routes by giving a parameter the empty string (`/v1/workflows/` matching
 *   `/v1/workflows/:id`, `/v1/workflows//history`) → 404 `route_not_found`, as for any path with
 *   a trailing slash: no API operation ends in `/` (Swagger UI's `/docs/` is a route of its own);
 * - `OPTIONS` that is not a CORS preflight (no `Origin` or no `Access-Control-Request-Method`):
 *   the API has no OPTIONS operations, so 405 with `Allow`, or 404 where nothing lives.
 */
export function refuseOnArrival(
  request: HttpRequest,
  allowedMethods: (path: string) => string[],
): AppError | undefined {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    // RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400.
    return new AppError('validation_failed', 'HTTP/1.1 requests must carry a Host header.', {
      errors: [{ pointer: pointerTo('headers', 'host'), detail: 'is required', code: 'required' }],
    });
  }
  const repeated = repeatedSingleHeader(request.raw.rawHeaders);
  if (repeated !== undefined) {
    return new AppError('validation_failed', `The ${repeated} header appears more than once.`, {
      errors: [
        { pointer: pointerTo('headers', repeated), detail: 'must appear at most once', code: 'duplicate_header' },
      ],
    });
  }
  if (hasEmptyParameter(request.params)) {
    return new AppError('route_not_found', `There is no endpoint at ${request.method} ${pathOf(request)}.`);
  }
  if (request.method === 'OPTIONS' && !isPreflight(request)) {
    const path = pathOf(request);
    const allow = allowedMethods(path);
    if (allow.length === 0) return new AppError('route_not_found', `There is no endpoint at OPTIONS ${path}.`);
    return new AppError(
      'method_not_allowed',
      `OPTIONS is answered only as a CORS preflight (with Origin and Access-Control-Request-Method); use ${allow.join(', ')}.`,
      { headers: { Allow: allow.join(', ') } },
    );
  }
  return undefined;
}

function repeatedSingleHeader(rawHeaders: readonly string[]): string | undefined {
  let seen: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    seen ??= new Set();
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** Named parameters only: the CORS route's wildcard (`*`) is empty for `/` and means nothing. */
export function hasEmptyParameter(params: unknown): boolean {
  if (params === null || typeof params !== 'object') return false;
  for (const [name, value] of Object.entries(params)) {
    if (name !== '*' && value === '') return true;
  }
  return false;
}

function isPreflight(request: HttpRequest): boolean {
  return request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

/** Node's parser errors that carry their own status; any other parse error is a 400. */
const CLIENT_ERRORS: Readonly<Record<string, () => AppError>> = {
  HPE_HEADER_OVERFLOW: () =>
    new AppError('headers_too_large', 'The request headers are larger than this server accepts (16 KiB in all).'),
  ERR_HTTP_REQUEST_TIMEOUT: () =>
    new AppError('client_timeout', 'The request did not arrive completely within the time allowed.'),
};

/**
 * Fastify's `clientErrorHandler`, for what Node's HTTP parser refuses before there is a request
 * at all (headers over `--max-http-header-size` → 431, a header value with a NUL or other bytes
 * HTTP forbids → 400, a request that never finishes arriving → 408). Neither Fastify's hooks nor
 * Nest run, so the problem is written on the socket here, with a fresh request id (the client's
 * cannot be trusted: its headers are what failed), the security headers, and `Connection: close`
 * (the parser is in an error state, so the connection cannot carry another request).
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  // A reset connection has nobody left to answer; an answered one gets no second answer (Node
  // reports every later packet on it as another error).
  if (error.code === 'ECONNRESET' || socket.destroyed || ANSWERED.has(socket)) return;
  ANSWERED.add(socket);
  if (!socket.writable || responseStarted(socket)) {
    socket.destroy();
    return;
  }
  const problemError =
    CLIENT_ERRORS[error.code ?? '']?.() ??
    new AppError('malformed_request', `The request is not well-formed HTTP/1.1 (${error.code ?? 'parse error'}).`);
  const requestId = randomUUID();
  const problem = toProblemDetails(problemError, { instance: requestPathOf(error.rawPacket), requestId });
  const body = JSON.stringify(problem);
  const headers: Record<string, string | number> = {
    ...securityHeaders(),
    [REQUEST_ID_HEADER]: requestId,
    'Cache-Control': 'no-store',
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  // end() rather than write() and destroy(): closing a socket whose client is still sending (the
  // rest of an oversized header) resets it, and a reset can discard the answer before the client
  // reads it. The client closes after reading; the timer covers one that never does.
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${head}\r\n${body}`);
  setTimeout(() => socket.destroy(), CLOSE_AFTER_ANSWER_MS).unref();
}

const ANSWERED = new WeakSet<Duplex>();

/**
 * Whether a response already went out on this socket: the request was answered (an early refusal,
 * say) while the client was still sending its body, and what follows the answer parses as a
 * broken second request. A second answer would be bytes after `Connection: close`, which clients
 * reject (found by the contract fuzzer: a GET with a chunked body to an unknown path). Node's own
 * handler makes the same check on the socket's current response (`_http_server.js`,
 * `socketOnError`); the field is not public API, hence the narrow cast.
 */
function responseStarted(socket: Duplex): boolean {
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return current?.headersSent === true;
}
const CLOSE_AFTER_ANSWER_MS = 5_000;

/** The path of the request line, when the packet Node was parsing starts with one and it is
 * plain (it becomes the problem's `instance`); otherwise empty, since there is no request. */
function requestPathOf(packet: unknown): string {
  if (!Buffer.isBuffer(packet)) return '';
  const line = /^[A-Z]{3,10} (\/[\x21-\x7e]{0,2047}) HTTP\/1\.[01]\r\n/.exec(
    packet.subarray(0, 2100).toString('latin1'),
  );
  const target = line?.[1] ?? '';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/**
 * Node's `checkExpectation` event: a request whose `Expect` is anything but `100-continue`, which
 * Node would otherwise answer itself with an empty 417. Before Fastify, so the headers are set
 * here; the client's well-formed `X-Request-Id` is echoed as everywhere else.
 */
export function answerUnmetExpectation(request: IncomingMessage, response: ServerResponse): void {
  const requestId = requestIdFor(request);
  const error = new AppError('expectation_failed', 'The only expectation this API meets is Expect: 100-continue.');
  const url = request.url ?? '';
  const body = JSON.stringify(toProblemDetails(error, { instance: url.split('?')[0], requestId }));
  response.writeHead(error.status, {
    ...securityHeaders(),
    [REQUEST_ID_HEADER]: requestId,
    'Cache-Control': 'no-store',
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  response.end(body);
}
