import request from 'supertest';
import { request as httpRequest } from 'node:http';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('Error contract (RFC 9457 problem details from every layer)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true, env: { HTTP_BODY_LIMIT_BYTES: '2048' } });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      type: `https://flowgate.dev/problems/${code.replace(/_/g, '-')}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
      requestId: res.headers['x-request-id'],
    });
  }

  it('answers an unknown route with 404 route_not_found', async () => {
    const res = await http.get('/v1/no-such-thing?secret=1');
    expectProblem(res, 404, 'route_not_found');
    expect(res.body.instance).toBe('/v1/no-such-thing');
  });

  it('answers a path that is not valid percent-encoding with 400, as a problem with the usual headers', async () => {
    const res = await http.get('/v1/workflows/%zz');
    expectProblem(res, 400, 'malformed_request');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a path segment longer than any id or key with 404, as a problem', async () => {
    const res = await http.get(`/v1/workflows/${'a'.repeat(150)}`);
    expectProblem(res, 404, 'not_found');
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await http.delete('/health/live');
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers a 404 raised by a handler as not_found, not as an unknown route', async () => {
    const res = await http.get('/v1/problem-types/no_such_code');
    expectProblem(res, 404, 'not_found');
  });

  it('answers malformed JSON with 400 malformed_request', async () => {
    const res = await http.post('/v1/probes/echo').set('Content-Type', 'application/json').send('{"title": ');
    expectProblem(res, 400, 'malformed_request');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await http
      .post('/v1/probes/echo')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'x'.repeat(4096) }));
    expectProblem(res, 413, 'payload_too_large');
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'title=x'],
    ['application/xml', '<title/>'],
    ['application/json; charset=latin1', '{"title":"x"}'],
  ])('answers a %s body with 415', async (contentType, body) => {
    const res = await http.post('/v1/probes/echo').set('Content-Type', contentType).send(body);
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('lists every invalid and unknown field with a JSON Pointer', async () => {
    const res = await http
      .post('/v1/probes/echo')
      .send({ title: 42, contact: 'not-an-email', priority: 11, items: [{ name: 'ok', quantity: 0 }], extra: true });
    expectProblem(res, 400, 'validation_failed');
    const byPointer = Object.fromEntries(
      (res.body.errors as { pointer: string; code: string }[]).map((e) => [`${e.pointer} ${e.code}`, true]),
    );
    expect(Object.keys(byPointer).sort()).toEqual(
      [
        '/body/contact is_email',
        '/body/extra unknown_field',
        '/body/items/0/quantity min',
        '/body/priority max',
        '/body/title is_string',
        '/body/title max_length',
      ].sort(),
    );
  });

  it('reports missing required fields when the body is absent', async () => {
    const res = await http.post('/v1/probes/echo');
    expectProblem(res, 400, 'validation_failed');
    const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(new Set(pointers)).toEqual(new Set(['/body/title', '/body/contact', '/body/priority']));
  });

  it('accepts a valid body (the probe echoes it)', async () => {
    const body = { title: 'Laptop', contact: 'a@example.com', priority: 3, items: [{ name: 'dock', quantity: 1 }] };
    const res = await http.post('/v1/probes/echo').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(body);
  });

  it('answers an unexpected exception with 500 that reveals only the request id, and logs the cause', async () => {
    const res = await http.get('/v1/probes/explode');
    expectProblem(res, 500, 'internal_error');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(Object.keys(res.body).sort()).toEqual([
      'code',
      'detail',
      'instance',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(res.body.detail).toContain(res.body.requestId);
    const logged = testApp.logs.find((line) => line.msg === 'Unhandled error' && line.requestId === res.body.requestId);
    expect(JSON.stringify(logged)).toContain('hunter2');
  });

  it('logs one line per request with id, method, route, status and latency, but never headers or bodies', async () => {
    const res = await http
      .post('/v1/probes/echo')
      .set('Authorization', 'Bearer eyJ.secret-token.sig')
      .set('Cookie', 'session=secret-cookie')
      .send({ title: 'secret-body-value', contact: 'a@example.com', priority: 1 });
    expect(res.status).toBe(201);
    const line = testApp.logs.find(
      (entry) => entry.requestId === res.headers['x-request-id'] && entry.msg === 'request completed',
    );
    expect(line).toMatchObject({
      req: { method: 'POST', path: '/v1/probes/echo' },
      route: '/v1/probes/echo',
      status: 201,
      latencyMs: expect.any(Number),
    });
    expect(testApp.logs.text).not.toMatch(/secret-token|secret-cookie|secret-body-value/);
  });

  it('stamps the request id on lines logged while a request with a body is served', async () => {
    // Fastify reads a body in the socket's async context, not the request's: a body arriving after
    // the headers (as from any real client on a real network) would lose the context unless the
    // pipeline restores it. So the headers go first and the body a moment later.
    const body = JSON.stringify({ title: 'logged', contact: 'a@example.com', priority: 1 });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(`${testApp.url}/v1/probes/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, 'X-Request-Id': 'late-body-1' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 50);
    });
    expect(status).toBe(201);
    const line = testApp.logs.find((entry) => entry.msg === 'Echo received' && entry.requestId === 'late-body-1');
    expect(line).toMatchObject({ context: 'ProbesController', requestId: 'late-body-1' });
  });

  it('names the caller in the access log line of an authenticated request', async () => {
    const token = await testApp.app.get(DevIdentityProvider).mint({ user: 'logged-caller', roles: ['viewer'] });
    const res = await http.get('/v1/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const line = testApp.logs.find(
      (entry) => entry.requestId === res.headers['x-request-id'] && entry.msg === 'request completed',
    );
    expect(line).toMatchObject({ userId: res.body.id, route: '/v1/me', status: 200 });
  });

  describe('X-Request-Id', () => {
    it('is generated when the client sends none', async () => {
      const res = await http.get('/health/live');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('echoes a well-formed client value, on errors too', async () => {
      const res = await http.get('/v1/nowhere').set('X-Request-Id', 'client-trace_01:abc.def');
      expect(res.headers['x-request-id']).toBe('client-trace_01:abc.def');
      expect(res.body.requestId).toBe('client-trace_01:abc.def');
    });

    it.each([['has spaces in it'], ['x'.repeat(200)], ['<script>'], ['-leading-dash']])(
      'replaces a malformed client value (%s)',
      async (value) => {
        const res = await http.get('/health/live').set('X-Request-Id', value);
        expect(res.headers['x-request-id']).not.toBe(value);
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      },
    );
  });
});
