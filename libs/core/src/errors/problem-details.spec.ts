import { AppError } from './app-error';
import { ERROR_CATALOG, ErrorCode, codeForStatus, problemTypeFor } from './error-catalog';
import { toProblemDetails } from './problem-details';

const context = { instance: '/v1/things/1', requestId: 'req-1' };

describe('toProblemDetails', () => {
  it.each(Object.keys(ERROR_CATALOG) as ErrorCode[])('maps %s to its status, title and type', (code) => {
    const problem = toProblemDetails(new AppError(code, 'what happened'), context);
    expect(problem).toMatchObject({
      status: ERROR_CATALOG[code].status,
      title: ERROR_CATALOG[code].title,
      type: problemTypeFor(code),
      code,
      instance: '/v1/things/1',
      requestId: 'req-1',
    });
  });

  it('carries field errors and extensions', () => {
    const error = new AppError('conflict', 'not now', {
      errors: [{ pointer: '/body/a', detail: 'bad', code: 'x' }],
      extensions: { allowedTransitions: ['approve'] },
    });
    expect(toProblemDetails(error, context)).toMatchObject({
      detail: 'not now',
      errors: [{ pointer: '/body/a', detail: 'bad', code: 'x' }],
      allowedTransitions: ['approve'],
    });
  });

  it('lets no extension overwrite a standard member', () => {
    const error = new AppError('conflict', 'not now', { extensions: { status: 200, code: 'ok' } });
    expect(toProblemDetails(error, context)).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('omits errors when there are none', () => {
    expect(toProblemDetails(new AppError('not_found', 'gone'), context)).not.toHaveProperty('errors');
  });

  it('reveals nothing but the request id for a 500', () => {
    const error = new AppError('internal_error', 'db password is hunter2', { extensions: { stack: 'at x' } });
    const problem = toProblemDetails(error, context);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem).not.toHaveProperty('stack');
    expect(problem.detail).toContain('req-1');
  });
});

describe('error catalogue', () => {
  it('gives every code a distinct type URI', () => {
    const types = (Object.keys(ERROR_CATALOG) as ErrorCode[]).map(problemTypeFor);
    expect(new Set(types).size).toBe(types.length);
  });

  it.each([
    [400, 'validation_failed'],
    [404, 'not_found'],
    [409, 'conflict'],
    [418, 'malformed_request'],
    [502, 'internal_error'],
  ])('maps a bare status %i to %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});
