import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { DATABASE_RETRY_AFTER_SECONDS, exceptionToAppError } from './exception-to-app-error';
import type { HttpRequest } from './http-types';

/** What reaches the exception filter, mapped to the error the problem is written from. */
function request(method: string, url: string, headers: Record<string, string> = {}): HttpRequest {
  return { method, url, headers } as unknown as HttpRequest;
}

/** `/v1/things` routes GET and POST; nothing else routes at all. */
const allowedMethods = (path: string): string[] => (path === '/v1/things' ? ['GET', 'POST'] : []);

function mapped(exception: unknown, req = request('GET', '/v1/things')) {
  const error = exceptionToAppError(exception, req, allowedMethods);
  return { code: error.code, detail: error.detail, headers: error.headers };
}

describe('exceptionToAppError', () => {
  it('passes an AppError through as it is', () => {
    const error = new AppError('conflict', 'Already approved.');
    expect(exceptionToAppError(error, request('GET', '/v1/things'), allowedMethods)).toBe(error);
  });

  it.each<[string, unknown, HttpRequest, { code: string; detail: string; headers: Record<string, string> }]>([
    ['no route at the path (the query left out)', new NotFoundException(), request('GET', '/v1/nope?x=1'),
      { code: 'route_not_found', detail: 'There is no endpoint at GET /v1/nope.', headers: {} }],
    ['a method the path does not route', new NotFoundException(), request('DELETE', '/v1/things'),
      { code: 'method_not_allowed', detail: 'DELETE is not supported here; use GET, POST.', headers: { Allow: 'GET, POST' } }],
    ["a handler's own 404 on a routed method", new NotFoundException('No such thing.'), request('GET', '/v1/things'),
      { code: 'not_found', detail: 'No such thing.', headers: {} }],
    ['another media type', new UnsupportedMediaTypeException(), request('POST', '/v1/things', { 'content-type': 'text/plain' }),
      { code: 'unsupported_media_type', detail: 'Request bodies must be application/json; got "text/plain".', headers: {} }],
    ['a body without a media type', new UnsupportedMediaTypeException(), request('POST', '/v1/things'),
      { code: 'unsupported_media_type', detail: 'Request bodies must be application/json; got no Content-Type.', headers: {} }],
    ['a body over the limit', new PayloadTooLargeException(), request('POST', '/v1/things'),
      { code: 'payload_too_large', detail: 'The request body is larger than this API accepts.', headers: {} }],
    ['a list of messages', new BadRequestException(['a must be a string', 'b is required']), request('POST', '/v1/things'),
      { code: 'validation_failed', detail: 'a must be a string; b is required', headers: {} }],
    ['a status no code names (4xx)', new HttpException('Too early.', 425), request('GET', '/v1/things'),
      { code: 'malformed_request', detail: 'Too early.', headers: {} }],
    ['a response without a message', new HttpException({ reason: 'x' }, 409), request('GET', '/v1/things'),
      { code: 'conflict', detail: 'Http Exception', headers: {} }],
    ['a 5xx HttpException, whose words are not shown', new HttpException('upstream said: secret', 502), request('GET', '/v1/things'),
      { code: 'internal_error', detail: 'Internal error', headers: {} }],
    ['PostgreSQL refusing connections', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), request('GET', '/v1/things'),
      { code: 'dependency_unavailable', detail: 'The database is unavailable; retry shortly.', headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } }],
    ['any other error', new TypeError('x is undefined'), request('GET', '/v1/things'),
      { code: 'internal_error', detail: 'Internal error', headers: {} }],
    ['a thrown string', 'boom', request('GET', '/v1/things'),
      { code: 'internal_error', detail: 'Internal error', headers: {} }],
  ])('maps %s', (_, exception, req, expected) => {
    expect(mapped(exception, req)).toEqual(expected);
  }); // prettier-ignore

  it('keeps what was thrown as the cause, for the log', () => {
    const cause = new TypeError('x is undefined');
    expect(exceptionToAppError(cause, request('GET', '/v1/things'), allowedMethods).cause).toBe(cause);
  });
});
