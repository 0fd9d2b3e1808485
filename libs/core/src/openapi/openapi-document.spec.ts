import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { addCommonProblemResponses, declareSecurity, operationIdFor } from './openapi-document';

describe('operationIdFor', () => {
  it.each([
    ['HealthController', 'live', 'Health_live'],
    ['ProblemTypesController', 'get', 'ProblemTypes_get'],
    ['WorkflowInstancesController', 'applyTransition', 'WorkflowInstances_applyTransition'],
    ['ControllerRegistry', 'list', 'ControllerRegistry_list'],
  ])('%s.%s → %s', (controllerKey, methodKey, expected) => {
    expect(operationIdFor(controllerKey, methodKey)).toBe(expected);
  });
});

const documentWith = (operations: Record<string, object>): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: { '/things': operations },
});

const operation = (document: OpenAPIObject, method: 'get' | 'post' | 'put') =>
  document.paths['/things'][method] as OperationObject;

describe('addCommonProblemResponses', () => {
  it.each([
    ['without a body', { responses: { 200: { description: 'ok' } } }, ['200', '400', '500', '503', '4XX']],
    [
      'with a body',
      { requestBody: { content: {} }, responses: { 201: { description: 'ok' } } },
      ['201', '400', '413', '415', '500', '503', '4XX'],
    ],
  ])('documents the problems every operation %s can give', (_, given, statuses) => {
    const document = addCommonProblemResponses(documentWith({ post: given }));
    expect(Object.keys(operation(document, 'post').responses)).toEqual(statuses);
  });

  it('keeps what the operation documents itself', () => {
    const own = { description: 'Not ready', content: {} };
    const document = addCommonProblemResponses(documentWith({ get: { responses: { 503: own } } }));
    expect(operation(document, 'get').responses[503]).toBe(own);
  });

  it('describes the problem body and its codes', () => {
    const document = addCommonProblemResponses(documentWith({ get: { responses: {} } }));
    expect(operation(document, 'get').responses[500]).toEqual({
      description: 'Problem details (`internal_error`)',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } },
    });
  });
});

describe('declareSecurity', () => {
  it('requires a bearer token by default and opens only operations marked x-public', () => {
    const document = declareSecurity(
      documentWith({
        get: { responses: {}, 'x-public': true },
        post: { responses: {}, security: [{ bearer: [] }] },
        put: { responses: {} },
      }),
    );
    expect(document.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(operation(document, 'get').security).toEqual([]);
    expect(operation(document, 'post').security).toBeUndefined();
    expect(operation(document, 'put').security).toBeUndefined();
  });
});
