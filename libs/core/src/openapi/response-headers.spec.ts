import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { declareConditionalGets, declareResponseHeaders } from './response-headers';

const documentWith = (operations: Record<string, object>): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: { '/things/{id}': operations },
});

const headersOf = (document: OpenAPIObject, method: 'get' | 'post', status: string) =>
  Object.keys(
    ((document.paths['/things/{id}'][method] as OperationObject).responses[status] as { headers?: object }).headers ??
      {},
  );

describe('declareConditionalGets', () => {
  it('gives a GET that sends an ETag the If-None-Match parameter and a 304', () => {
    const document = declareConditionalGets(
      documentWith({ get: { 'x-etag': true, responses: { 200: { description: 'ok' } } } }),
    );
    const get = document.paths['/things/{id}'].get as OperationObject;
    expect(get.parameters).toEqual([expect.objectContaining({ name: 'If-None-Match', in: 'header', required: false })]);
    expect(Object.keys(get.responses)).toEqual(['200', '304']);
  });

  it('leaves GETs without an ETag, and writes, alone', () => {
    const document = declareConditionalGets(
      documentWith({
        get: { responses: { 200: { description: 'ok' } } },
        post: { 'x-etag': true, responses: { 201: { description: 'ok' } } },
      }),
    );
    expect(document.paths['/things/{id}'].get?.parameters).toBeUndefined();
    expect(Object.keys(document.paths['/things/{id}'].post!.responses)).toEqual(['201']);
  });
});

describe('declareResponseHeaders', () => {
  const document = declareResponseHeaders(
    declareConditionalGets(
      documentWith({
        get: {
          'x-etag': true,
          'x-cache-control': 'private, no-cache',
          responses: { 200: {}, 401: {}, 404: {}, 503: {}, '4XX': {} },
        },
        post: {
          'x-etag': true,
          'x-location': true,
          'x-idempotency': { required: true },
          responses: { 201: { headers: { 'Idempotent-Replayed': {} } }, 409: {}, 500: {} },
        },
      }),
    ),
  );

  it.each([
    ['get', '200', ['X-Request-Id', 'Cache-Control', 'ETag']],
    ['get', '304', ['X-Request-Id', 'Cache-Control', 'ETag']],
    ['get', '401', ['X-Request-Id', 'Cache-Control', 'WWW-Authenticate']],
    ['get', '404', ['X-Request-Id', 'Cache-Control']],
    ['get', '503', ['X-Request-Id', 'Cache-Control', 'Retry-After']],
    ['get', '4XX', ['X-Request-Id', 'Cache-Control']],
    ['post', '201', ['X-Request-Id', 'ETag', 'Location', 'Idempotent-Replayed']],
    ['post', '409', ['X-Request-Id', 'Cache-Control', 'Retry-After']],
    ['post', '500', ['X-Request-Id', 'Cache-Control']],
  ] as const)('%s %s declares %j', (method, status, headers) => {
    expect(headersOf(document, method, status)).toEqual(headers);
  });

  it('points Cache-Control at the route policy on success and at no-store on problems', () => {
    const get = document.paths['/things/{id}'].get as OperationObject;
    const header = (status: string) => (get.responses[status] as { headers: Record<string, unknown> }).headers;
    expect(header('200')['Cache-Control']).toEqual({ $ref: '#/components/headers/Cache-Control.revalidate' });
    expect(header('404')['Cache-Control']).toEqual({ $ref: '#/components/headers/Cache-Control.problem' });
    expect(document.components?.headers?.['Cache-Control.problem']).toMatchObject({
      schema: { type: 'string', enum: ['no-store'] },
    });
  });

  it('refuses a Cache-Control value that is not one of the policies', () => {
    expect(() =>
      declareResponseHeaders(documentWith({ get: { 'x-cache-control': 'max-age=5', responses: { 200: {} } } })),
    ).toThrow('Cache-Control max-age=5 is not one of CACHE_POLICIES');
  });
});
