import {
  ClientResult,
  FlowgateProblem,
  isProblem,
  ProblemDetails,
  UNEXPECTED_RESPONSE,
  unwrap,
} from './flowgate-problem';

const PROBLEM_JSON = { 'Content-Type': 'application/problem+json' };

const stale: ProblemDetails = {
  type: 'https://flowgate.dev/problems/precondition-failed',
  title: 'The resource changed',
  status: 412,
  detail: 'If-Match "3" does not match the current ETag.',
  instance: '/v1/users/9b1f',
  code: 'precondition_failed',
  requestId: 'req-1',
  currentETag: '"4"',
};

/** A response as fetch gives it, with a URL (a `new Response()` has none). */
function answered(status: number, body: string, headers: Record<string, string> = {}): Response {
  const response = new Response(body, { status, headers });
  Object.defineProperty(response, 'url', { value: 'https://flowgate.test/v1/users/9b1f' });
  return response;
}

describe('isProblem', () => {
  const problem = {
    type: 'https://flowgate.dev/problems/not-found',
    title: 'Resource not found',
    status: 404,
    code: 'not_found',
  };

  it.each([
    ['a problem', problem, true],
    ['a problem with extension members', { ...problem, detail: 'x', requestId: 'r' }, true],
    ['a problem without code', { ...problem, code: undefined }, false],
    ['a status as text', { ...problem, status: '404' }, false],
    ['a proxy error page', { message: 'Bad Gateway' }, false],
    ['null', null, false],
    ['a string', 'Bad Gateway', false],
  ])('%s → %s', (_, value, expected) => {
    expect(isProblem(value)).toBe(expected);
  });
});

describe('FlowgateProblem', () => {
  it('is an Error carrying every member of the problem, extension members included', () => {
    const problem = new FlowgateProblem(stale, answered(412, JSON.stringify(stale), PROBLEM_JSON));

    expect(problem).toBeInstanceOf(Error);
    expect(problem.name).toBe('FlowgateProblem');
    expect(problem.message).toBe('412 precondition_failed: If-Match "3" does not match the current ETag.');
    expect(problem).toMatchObject({ status: 412, code: 'precondition_failed', requestId: 'req-1', currentETag: '"4"' });
    expect(problem.response.status).toBe(412);
  });

  it('carries the trace id of a traced request, to quote beside the request id', () => {
    const traced = { ...stale, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };
    const problem = new FlowgateProblem(traced, answered(412, JSON.stringify(traced), PROBLEM_JSON));
    expect(problem.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(new FlowgateProblem(stale, answered(412, JSON.stringify(stale), PROBLEM_JSON)).traceId).toBeUndefined();
  });

  it('keeps the response out of what a logger would print', () => {
    const problem = new FlowgateProblem(stale, answered(412, '', PROBLEM_JSON));

    expect(Object.keys(problem)).not.toContain('response');
    expect(JSON.parse(JSON.stringify(problem))).toEqual(stale);
  });

  it.each<[string, Record<string, string>, number | undefined]>([
    ['a number of seconds', { 'Retry-After': '7' }, 7],
    ['an HTTP date (not used by this API)', { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, undefined],
    ['no header', {}, undefined],
  ])('reads Retry-After given as %s', (_case, headers, expected) => {
    expect(new FlowgateProblem({ ...stale, status: 429 }, answered(429, '', headers)).retryAfterSeconds).toBe(expected);
  });

  it.each<[string, unknown, number, Record<string, string>]>([
    ["a proxy's HTML page", '<html>Bad Gateway</html>', 502, {}],
    ['an empty body', '', 503, { 'X-Request-Id': 'req-9' }],
    ['JSON that is no problem', { message: 'nope' }, 500, {}],
  ])('from() makes %s an unexpected_response with the status', (_case, error, status, headers) => {
    const problem = FlowgateProblem.from(error, answered(status, '', headers));

    expect(problem).toMatchObject({
      code: UNEXPECTED_RESPONSE,
      status,
      type: 'about:blank',
      instance: '/v1/users/9b1f',
      requestId: headers['X-Request-Id'] ?? '',
    });
  });
});

describe('unwrap', () => {
  it('returns the data of a successful call', async () => {
    const data = { id: 'w1' };
    await expect(unwrap(Promise.resolve({ data, response: answered(200, '') }))).resolves.toBe(data);
  });

  it('throws the problem of a failed call', async () => {
    const thrown = await unwrap(
      Promise.resolve<ClientResult<never, ProblemDetails>>({ error: stale, response: answered(412, '') }),
    ).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(FlowgateProblem);
    expect(thrown).toMatchObject({ code: 'precondition_failed', currentETag: '"4"' });
  });

  it('throws for a non-2xx answer that had no body to parse', async () => {
    await expect(unwrap({ error: undefined as never, response: answered(502, '') })).rejects.toMatchObject({
      code: UNEXPECTED_RESPONSE,
      status: 502,
    });
  });
});
