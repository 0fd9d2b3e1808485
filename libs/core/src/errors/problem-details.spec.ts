import { AppError } from './app-error';
import {
  CORE_ERROR_CODES,
  codeForStatus,
  ErrorCatalogue,
  ERROR_CATALOGUE,
  ErrorCode,
  problemTypeFor,
} from './error-catalog';
import { toProblemDetails } from './problem-details';

const context = { instance: '/v1/things/1', requestId: 'req-1' };

describe('toProblemDetails', () => {
  it.each(Object.keys(CORE_ERROR_CODES) as ErrorCode[])('maps %s to its status, title and type', (code) => {
    const problem = toProblemDetails(new AppError(code, 'what happened'), context);
    expect(problem).toMatchObject({
      status: CORE_ERROR_CODES[code as keyof typeof CORE_ERROR_CODES].status,
      title: CORE_ERROR_CODES[code as keyof typeof CORE_ERROR_CODES].title,
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

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('carries the trace id beside the request id when the request was traced', () => {
    const problem = toProblemDetails(new AppError('not_found', 'gone'), { ...context, traceId });
    expect(problem).toMatchObject({ requestId: 'req-1', traceId });
    expect(
      toProblemDetails(new AppError('conflict', 'no', { extensions: { traceId: 'x' } }), { ...context, traceId }),
    ).toMatchObject({ traceId });
  });

  it('has no traceId member when the request was not traced', () => {
    expect(toProblemDetails(new AppError('not_found', 'gone'), context)).not.toHaveProperty('traceId');
  });

  it('reveals nothing but the request id and the trace id for a 500', () => {
    const error = new AppError('internal_error', 'db password is hunter2', { extensions: { stack: 'at x' } });
    const problem = toProblemDetails(error, { ...context, traceId });
    expect(Object.keys(problem).sort()).toEqual(
      ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'traceId', 'type'].sort(),
    );
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

describe('error catalogue', () => {
  it('gives every code a distinct type URI', () => {
    const types = ERROR_CATALOGUE.list().map(({ code }) => problemTypeFor(code));
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

  it('answers a code nobody registered as the 500 it is', () => {
    const problem = toProblemDetails(new AppError('nobody_registered' as ErrorCode, 'oops'), context);
    expect(problem).toMatchObject({ status: 500, code: 'internal_error', type: problemTypeFor('internal_error') });
  });
});

describe('ErrorCatalogue', () => {
  const A = { made_up: { status: 409, title: 'Made up' } } as const;
  const B = { also_made_up: { status: 403, title: 'Also made up' } } as const;

  it('lists core codes first within a status, then the registered sets in order', () => {
    const catalogue = new ErrorCatalogue(CORE_ERROR_CODES, A, B);
    expect(catalogue.codesFor(409)).toEqual(['conflict', 'made_up']);
    expect(catalogue.codesFor(403)).toEqual(['forbidden', 'also_made_up']);
    const statuses = catalogue.list().map((entry) => entry.status);
    expect(statuses).toEqual([...statuses].sort((x, y) => x - y));
  });

  it('takes the same set twice without complaint', () => {
    const catalogue = new ErrorCatalogue(CORE_ERROR_CODES, A);
    expect(() => catalogue.register(A)).not.toThrow();
    expect(catalogue.list()).toHaveLength(Object.keys(CORE_ERROR_CODES).length + 1);
  });

  it.each([
    ['a core code', { conflict: { status: 409, title: 'Mine now' } }, 'conflict'],
    ["another set's code", { made_up: { status: 409, title: 'Made up' } }, 'made_up'],
  ])('refuses a set that declares %s again', (_name, set, code) => {
    const catalogue = new ErrorCatalogue(CORE_ERROR_CODES, A);
    expect(() => catalogue.register(set)).toThrow(`Error code "${code}" is declared twice`);
  });
});
