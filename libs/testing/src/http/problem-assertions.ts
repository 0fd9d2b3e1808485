/** What the e2e specs read from a response: supertest's and the SDK's both have these. */
interface ResponseLike {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
}

const PROBLEM_JSON = /^application\/problem\+json/;

/** Asserts an RFC 9457 problem with this status and Flowgate `code`. */
export function expectProblem(res: ResponseLike, status: number, code: string): void {
  const body = res.body as { code?: unknown } | undefined;
  expect({ status: res.status, code: body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
}

/** The JSON Pointers of a validation problem's `errors`, in order. */
export function pointersOf(res: ResponseLike): string[] {
  return ((res.body as { errors: { pointer: string }[] }).errors ?? []).map((error) => error.pointer);
}
