import { createFlowgateClient } from './flowgate-client';

/** A fetch that records what it was sent and answers like the API's liveness probe. */
function recordingFetch() {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(JSON.stringify({ status: 'ok' }), { headers: { 'Content-Type': 'application/json' } });
  };
  return { requests, fetch };
}

describe('createFlowgateClient', () => {
  it.each([
    ['no token', undefined, null],
    ['a token', 'abc', 'Bearer abc'],
    ['a token function', () => 'fresh', 'Bearer fresh'],
    ['an async token function', async () => 'later', 'Bearer later'],
  ])('with %s sends Authorization %s', async (_, token, expected) => {
    const { requests, fetch } = recordingFetch();
    const client = createFlowgateClient({ baseUrl: 'https://flowgate.test', token, fetch });

    const { data } = await client.GET('/health/live');

    expect(data).toEqual({ status: 'ok' });
    expect(requests[0].url).toBe('https://flowgate.test/health/live');
    expect(requests[0].headers.get('Authorization')).toBe(expected);
  });

  it('asks a token function again for every request', async () => {
    const { requests, fetch } = recordingFetch();
    let issued = 0;
    const client = createFlowgateClient({ baseUrl: 'https://flowgate.test', token: () => `t${++issued}`, fetch });

    await client.GET('/health/live');
    await client.GET('/health/live');

    expect(requests.map((request) => request.headers.get('Authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
  });
});
