import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@flowgate/auth';
import { API_MIGRATIONS } from '@flowgate/api';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Inputs an outside probe sent to make the API answer 500 or stall, each of which must be a 4xx
 * problem (`application/problem+json`, a `code`, `X-Request-Id`) that changed nothing: nesting
 * past the depth limit, bytes that are not UTF-8, NUL and lone surrogates wherever text goes,
 * `__proto__`, repeated headers, unknown query parameters and bodies on every operation of the
 * served contract, routing odd corners (trailing slashes, OPTIONS, oversized headers), and
 * regular-expression bombs in definition schemas, timed by the event loop itself.
 *
 * The app runs on a database of its own, so "nothing was written" is an exact count of every
 * table's rows before and after, untouched by suites running beside this one.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** Takes ECMAScript's backtracking seconds (measured: 26 characters 0.3 s, each 2 more ×4; 32 ≈ 19 s). */
const REGEX_BOMB = '^(a+)+$';
const BOMB_INPUT = `${'a'.repeat(32)}!`;
/**
 * The most one request may hold the event loop: a schema compile took up to 130 ms on a loaded
 * 2-core machine with coverage counters on, the bomb itself about 19 s; 500 ms tells them apart.
 */
const MAX_LOOP_STALL_MS = 500;

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

interface Operation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly hasBody: boolean;
  readonly label: string;
}

/** An HTTP/1.1 exchange written byte for byte, for what no client library sends. */
function rawExchange(url: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<RawResponse> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body])),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headText, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = headText.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n')) });
    });
  });
}

/** Node's client, with header lines as given (a name may repeat) and the body as given. */
function sendRawHeaders(
  url: string,
  method: string,
  path: string,
  headers: string[],
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? [] : ['Content-Length', String(Buffer.byteLength(body))];
    const req = httpRequest(`${url}${path}`, { method, headers: ['Host', 'localhost', ...headers, ...length] });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: JSON.parse(text),
          });
        } catch {
          reject(new Error(`${res.statusCode} ${JSON.stringify(res.headers)} ${text}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `/v1/users/{id}/role-grants/{role}` → a routable URL: fresh UUIDs, a real role, a real key. */
function concretePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (name === 'role') return 'viewer';
    if (name === 'key') return 'purchase-request';
    if (name === 'version') return '1';
    if (name === 'code') return 'not_found';
    return randomUUID();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the event loop, as a backtracking regular expression does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('Hostile inputs are 4xx problems that change nothing', () => {
  let scratch: ScratchDatabase;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  const suffix = randomBytes(4).toString('hex');
  const key = `hostile-${suffix}`;
  /** Every role, step-up done: whatever an operation needs, the guards let this caller through. */
  let everything: Record<string, string>;
  let workflowId: string;
  let userId: string;
  let userETag: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase('hostile_inputs', API_MIGRATIONS);
    testApp = await createTestApp({ env: { DATABASE_URL: scratch.config.database.url } });
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    const dev = testApp.app.get(DevIdentityProvider);
    everything = {
      Authorization: `Bearer ${await dev.mint({ user: `hostile-admin-${suffix}`, roles: ['admin', 'auditor'], stepUp: true })}`,
    };
    await http.get('/v1/me').set(everything).expect(200);
    const other = await dev.mint({ user: `hostile-other-${suffix}`, roles: ['viewer'] });
    userId = (await http.get('/v1/me').set('Authorization', `Bearer ${other}`).expect(200)).body.id as string;
    userETag = (await http.get(`/v1/users/${userId}`).set(everything).expect(200)).headers.etag;
    await http.post('/v1/workflow-definitions').set(everything).send(definition(key)).expect(201);
    workflowId = (await start({ definitionKey: key, data: { note: 'fine' } }).expect(201)).body.id as string;
  });

  afterAll(async () => {
    await testApp?.close();
    await scratch?.drop();
  });

  function definition(
    definitionKey: string,
    schema: Record<string, unknown> = { type: 'object' },
  ): WorkflowDefinitionDocument {
    return {
      key: definitionKey,
      title: 'Hostile inputs',
      visibility: 'authenticated',
      dataSchema: schema,
      states: [
        { name: 'open', initial: true },
        { name: 'done', terminal: true },
      ],
      transitions: [
        { name: 'note', from: 'open', to: 'open', role: 'requester', input: schema },
        { name: 'close', from: 'open', to: 'done', role: 'requester' },
      ],
    } as WorkflowDefinitionDocument;
  }

  const start = (body: unknown) =>
    http
      .post('/v1/workflows')
      .set(everything)
      .set('Idempotency-Key', randomUUID())
      .send(body as object);

  /** Rows of every table of the database: what a refused request must leave as it found it. */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await db.query<{ name: string }[]>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await db.query<{ count: string }[]>(`SELECT count(*) AS count FROM ${name}`);
      counts[name] = Number(row.count);
    }
    return counts;
  }

  /** Runs the requests and asserts every table has the rows it had before. */
  async function changesNothing<T>(requests: () => Promise<T>): Promise<T> {
    const before = await rowCounts();
    const result = await requests();
    expect(await rowCounts()).toEqual(before);
    return result;
  }

  function expectProblem(
    res: { status: number; headers: Record<string, unknown>; body: unknown },
    status: number,
    code: string,
  ): void {
    const body = res.body as Record<string, unknown> | undefined;
    expect({ status: res.status, code: body?.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(body?.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  }

  function errorsOf(res: { body: unknown }): { pointer: string; code: string }[] {
    return ((res.body as { errors?: { pointer: string; code: string }[] }).errors ?? []).map(({ pointer, code }) => ({
      pointer,
      code,
    }));
  }

  describe('JSON nested past HTTP_MAX_JSON_DEPTH', () => {
    const deep = nested(1_500);

    it.each<[string, () => request.Test]>([
      ['POST /v1/workflows', () => start(`{"definitionKey":"${key}","data":{"x":${deep}}}`).type('json')],
      [
        'POST /v1/workflows/{id}/transitions',
        () =>
          http
            .post(`/v1/workflows/${workflowId}/transitions`)
            .set(everything)
            .set('Idempotency-Key', randomUUID())
            .type('json')
            .send(`{"name":"note","input":${deep}}`),
      ],
      [
        'POST /v1/workflow-definitions',
        () => http.post('/v1/workflow-definitions').set(everything).type('json').send(`{"key":${deep}}`),
      ],
      [
        'PATCH /v1/users/{id}',
        () =>
          http
            .patch(`/v1/users/${userId}`)
            .set(everything)
            .set('If-Match', userETag)
            .type('json')
            .send(`{"status":${deep}}`),
      ],
    ])('%s: 400 malformed_request naming the limit (a 3 KB body, 1,500 levels)', async (_name, send) => {
      const res = await changesNothing(() => send());
      expectProblem(res, 400, 'malformed_request');
      expect(res.body.detail).toContain('more than 64 levels');
    });

    it('accepts a body at the limit (the instance data nests 64 levels with its envelope)', async () => {
      const data = `{"x":${nested(62)}}`;
      const res = await start(`{"definitionKey":"${key}","data":${data}}`).type('json');
      expect(res.status).toBe(201);
    });
  });

  describe('bytes and encodings', () => {
    const envelope = (note: Buffer) =>
      Buffer.concat([Buffer.from(`{"definitionKey":"${key}","data":{"note":"`), note, Buffer.from('"}}')]);

    /** The bytes exactly as given: client libraries would re-encode a string. */
    const startWithBytes = (body: Buffer) =>
      sendRawHeaders(
        testApp.url,
        'POST',
        '/v1/workflows',
        [
          'Authorization',
          everything.Authorization,
          'Content-Type',
          'application/json',
          'Idempotency-Key',
          randomUUID(),
        ],
        body,
      );

    it.each<[string, number[]]>([
      ['a stray 0xFF byte', [0x61, 0xff, 0x62]],
      ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
      ['a lone surrogate as raw UTF-8 bytes (ED A0 80)', [0xed, 0xa0, 0x80]],
      ['a truncated sequence', [0xe2, 0x82]],
    ])('refuses %s as 400 malformed_request rather than storing U+FFFD', async (_name, bytes) => {
      const res = await changesNothing(() => startWithBytes(envelope(Buffer.from(bytes))));
      expectProblem(res, 400, 'malformed_request');
      expect(res.body.detail).toBe('The request body is not valid UTF-8.');
    });

    it('accepts a leading byte order mark (RFC 8259 §8.1) and stores the text intact', async () => {
      const res = await startWithBytes(
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), envelope(Buffer.from('Grüße 😀'))]),
      );
      expect(res.status).toBe(201);
      expect((res.body as { data?: unknown }).data).toEqual({ note: 'Grüße 😀' });
    });

    it('answers a body over HTTP_BODY_LIMIT_BYTES with 413', async () => {
      const res = await changesNothing(() => start({ definitionKey: key, data: { note: 'x'.repeat(300 * 1024) } }));
      expectProblem(res, 413, 'payload_too_large');
    });
  });

  describe('NUL and lone surrogates: refused wherever text enters, with a pointer', () => {
    it.each<[string, string, { pointer: string; code: string }[]]>([
      ['NUL in a data value', `{"definitionKey":"${key}","data":{"note":"a\\u0000b"}}`, [{ pointer: '/body/data/note', code: 'nul_character' }]], // prettier-ignore
      ['a lone surrogate in a data value (JSON escape)', `{"definitionKey":"${key}","data":{"note":"\\ud800"}}`, [{ pointer: '/body/data/note', code: 'lone_surrogate' }]], // prettier-ignore
      ['NUL in a data key with a slash', `{"definitionKey":"${key}","data":{"/weird key\\u0000":1}}`, [{ pointer: '/body/data/~1weird key\u0000', code: 'nul_character' }]], // prettier-ignore
      ['a lone low surrogate in a data key', `{"definitionKey":"${key}","data":{"\\udc00":1}}`, [{ pointer: '/body/data/\udc00', code: 'lone_surrogate' }]], // prettier-ignore
      ['both, in a list', `{"definitionKey":"${key}","data":{"list":["ok","\\u0000","\\udbff"]}}`, [{ pointer: '/body/data/list/1', code: 'nul_character' }, { pointer: '/body/data/list/2', code: 'lone_surrogate' }]], // prettier-ignore
    ])('POST /v1/workflows with %s: 400 validation_failed', async (_name, body, expected) => {
      const res = await changesNothing(() => start(body).type('json'));
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual(expected);
    });

    it('refuses NUL in a transition comment', async () => {
      const res = await changesNothing(() =>
        http
          .post(`/v1/workflows/${workflowId}/transitions`)
          .set(everything)
          .set('Idempotency-Key', randomUUID())
          .send({ name: 'note', input: {}, comment: 'looks fine\u0000DROP' }),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/body/comment', code: 'nul_character' }]);
    });

    it('refuses NUL in a query value', async () => {
      const res = await changesNothing(() => http.get('/v1/users?q=%00').set(everything));
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/query/q', code: 'nul_character' }]);
    });

    it.each<[string, string]>([
      ['/v1/problem-types/a%00b', '/path/code'],
      ['/v1/workflow-definitions/k%00y/versions/1', '/path/key'],
    ])('refuses NUL in a path parameter (%s)', async (path, pointer) => {
      const res = await http.get(path).set(everything);
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer, code: 'nul_character' }]);
    });

    it('refuses NUL in a header value at the HTTP parser, as a problem on the socket', async () => {
      const res = await rawExchange(
        testApp.url,
        'GET /health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\u0000b\r\nConnection: close\r\n\r\n',
      );
      expectProblem(res, 400, 'malformed_request');
      expect(res.body.instance).toBe('/health/live');
    });
  });

  describe('__proto__ and constructor.prototype', () => {
    it.each<[string, string, string]>([
      ['at the top of a body', `{"definitionKey":"${key}","__proto__":{"isAdmin":true}}`, '/body/__proto__'],
      ['inside instance data', `{"definitionKey":"${key}","data":{"a":[{"__proto__":{"x":1}}]}}`, '/body/data/a/0/__proto__'], // prettier-ignore
      ['as constructor.prototype', `{"definitionKey":"${key}","data":{"constructor":{"prototype":{"x":1}}}}`, '/body/data/constructor/prototype'], // prettier-ignore
    ])('refuses __proto__ %s as an unknown field', async (_name, body, pointer) => {
      const res = await changesNothing(() => start(body).type('json'));
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer, code: 'unknown_field' }]);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('refuses it in a definition document, before the definition reader sees it', async () => {
      const document = JSON.stringify(definition(`proto-${suffix}`)).replace(/^\{/, '{"__proto__":{"x":1},');
      const res = await changesNothing(() =>
        http.post('/v1/workflow-definitions').set(everything).type('json').send(document),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/body/__proto__', code: 'unknown_field' }]);
    });

    it('refuses it in a body and a query at once with one answer naming both (the parser refuses the body)', async () => {
      const res = await changesNothing(() =>
        http
          .post('/v1/workflows?__proto__=x')
          .set(everything)
          .set('Idempotency-Key', randomUUID())
          .type('json')
          .send(`{"definitionKey":"${key}","__proto__":{"isAdmin":true}}`),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([
        { pointer: '/query/__proto__', code: 'unknown_field' },
        { pointer: '/body/__proto__', code: 'unknown_field' },
      ]);
    });

    it('refuses it as a query parameter name', async () => {
      const res = await http.get('/v1/workflows?__proto__=x').set(everything);
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/query/__proto__', code: 'unknown_field' }]);
    });
  });

  describe('repeated headers', () => {
    it('refuses two Authorization headers, never using the first (here a valid admin token)', async () => {
      const body = JSON.stringify({ definitionKey: key });
      const res = await changesNothing(() =>
        sendRawHeaders(
          testApp.url,
          'POST',
          '/v1/workflows',
          [
            'Authorization',
            everything.Authorization,
            'Authorization',
            'Bearer not-a-token',
            'Content-Type',
            'application/json',
            'Idempotency-Key',
            randomUUID(),
          ],
          body,
        ),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/headers/authorization', code: 'duplicate_header' }]);
    });

    it('refuses an HTTP/1.1 request without Host (RFC 9112 §3.2) as a problem, not an empty 400', async () => {
      const res = await rawExchange(testApp.url, 'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n');
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: '/headers/host', code: 'required' }]);
    });

    const SECOND_VALUES: Record<string, string> = { 'Content-Type': 'application/json', Host: 'example.com' };

    it.each([['Content-Type'], ['Idempotency-Key'], ['Host']])('refuses two %s headers', async (name) => {
      const res = await changesNothing(() =>
        sendRawHeaders(
          testApp.url,
          'POST',
          '/v1/workflows',
          ['Authorization', everything.Authorization, 'Content-Type', 'application/json', 'Idempotency-Key', randomUUID(), name, SECOND_VALUES[name] ?? randomUUID()], // prettier-ignore
          JSON.stringify({ definitionKey: key }),
        ),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toEqual([{ pointer: `/headers/${name.toLowerCase()}`, code: 'duplicate_header' }]);
    });
  });

  describe('every operation of the served contract', () => {
    let operations: Operation[];

    beforeAll(async () => {
      const document = (await http.get('/openapi.json').expect(200)).body as {
        paths: Record<string, Partial<Record<HttpMethod, { requestBody?: unknown }>>>;
      };
      operations = Object.entries(document.paths).flatMap(([path, item]) =>
        HTTP_METHODS.flatMap((method) => {
          const operation = item[method];
          return operation
            ? [{ method, path, hasBody: operation.requestBody !== undefined, label: `${method.toUpperCase()} ${path}` }]
            : [];
        }),
      );
    });

    const call = (operation: Operation) =>
      http[operation.method](concretePath(operation.path)).set(everything).set('Idempotency-Key', randomUUID());

    it('finds enough operations that the checks cannot pass vacuously', () => {
      expect(operations.length).toBeGreaterThanOrEqual(25);
      expect(operations.filter((operation) => !operation.hasBody).length).toBeGreaterThanOrEqual(20);
    });

    it('answers an unknown query parameter on every operation with 400 unknown_field at /query/<name>', async () => {
      const mismatches: string[] = [];
      await changesNothing(async () => {
        for (const operation of operations) {
          let req = call(operation).query({ zzUnknown: '1' });
          if (operation.hasBody) req = req.send({});
          const res = await req;
          const ok =
            res.status === 400 &&
            PROBLEM_JSON.test(String(res.headers['content-type'])) &&
            res.body.code === 'validation_failed' &&
            res.body.requestId === res.headers['x-request-id'] &&
            errorsOf(res).some((error) => error.pointer === '/query/zzUnknown' && error.code === 'unknown_field');
          if (!ok) mismatches.push(`${operation.label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      });
      expect(mismatches).toEqual([]);
    });

    it('answers a body on every operation that takes none with 400 unexpected_body at /body', async () => {
      const mismatches: string[] = [];
      await changesNothing(async () => {
        for (const operation of operations.filter((candidate) => !candidate.hasBody)) {
          const res = await call(operation).send({ unexpected: true });
          const ok =
            res.status === 400 &&
            PROBLEM_JSON.test(String(res.headers['content-type'])) &&
            res.body.requestId === res.headers['x-request-id'] &&
            errorsOf(res).some((error) => error.pointer === '/body' && error.code === 'unexpected_body');
          if (!ok) mismatches.push(`${operation.label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      });
      expect(mismatches).toEqual([]);
    });

    it('lets writes that take no input through with an empty body or {} (clients send one)', async () => {
      for (const send of [(req: request.Test) => req, (req: request.Test) => req.send({})]) {
        const res = await send(http.post(`/v1/users/${userId}/revoke-sessions`).set(everything));
        expect(res.status).toBe(200);
      }
    });
  });

  describe('answers the framework would give on its own', () => {
    it.each([['GET'], ['DELETE'], ['POST']])(
      '%s /v1/workflows/ (trailing slash): 404 route_not_found',
      async (method) => {
        const res = await http[method.toLowerCase() as HttpMethod]('/v1/workflows/').set(everything);
        expectProblem(res, 404, 'route_not_found');
      },
    );

    it('answers an empty path segment (/v1/workflows//history) with 404 route_not_found', async () => {
      expectProblem(await http.get('/v1/workflows//history').set(everything), 404, 'route_not_found');
    });

    it('answers OPTIONS without Origin with 405 and Allow where the path exists, 404 where not', async () => {
      const known = await http.options('/v1/workflows');
      expectProblem(known, 405, 'method_not_allowed');
      expect(known.headers.allow).toBe('GET, HEAD, POST');
      expectProblem(await http.options('/v1/nowhere'), 404, 'route_not_found');
    });

    it('still answers a CORS preflight, now with a request id', async () => {
      const res = await http
        .options('/v1/workflows')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    it("answers an Expect other than 100-continue with 417 as a problem, not Node's empty 417", async () => {
      const res = await rawExchange(
        testApp.url,
        'GET /v1/workflows HTTP/1.1\r\nHost: localhost\r\nExpect: tea\r\nX-Request-Id: expect-1\r\n\r\n',
      );
      expectProblem(res, 417, 'expectation_failed');
      expect(res.headers['x-request-id']).toBe('expect-1');
    });

    it('answers headers over the parser limit with 431 as a problem, written on the socket', async () => {
      const res = await rawExchange(
        testApp.url,
        `GET /v1/workflows?top=1 HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expectProblem(res, 431, 'headers_too_large');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.connection).toBe('close');
      expect(res.body.instance).toBe('/v1/workflows');
    });
  });

  describe('regular-expression bombs in definition schemas', () => {
    /**
     * The longest the event loop was held while `work` ran, sampled every 10 ms. The histogram
     * records a stall when its timer fires after it, so it runs a little before `work` starts
     * (armed) and after it ends (the stall just before the answer is counted too).
     */
    async function maxLoopStallDuring<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      try {
        await sleep(30);
        const result = await work();
        await sleep(30);
        return { result, stallMs: histogram.max / 1e6 };
      } finally {
        histogram.disable();
      }
    }

    it('measures: a stall the length of one bomb before the fix is seen', async () => {
      // Guards the measurement itself: were the histogram read too early, every check below would
      // pass whatever the engine.
      const { stallMs } = await maxLoopStallDuring(
        () => new Promise<void>((resolve) => setImmediate(() => resolve(busyFor(150)))),
      );
      expect(stallMs).toBeGreaterThanOrEqual(140);
    });

    const bombKey = `bomb-${suffix}`;
    const bombSchema = {
      type: 'object',
      properties: { code: { type: 'string', pattern: REGEX_BOMB }, [BOMB_INPUT]: { type: 'string' } },
      patternProperties: { [REGEX_BOMB]: { type: 'string' } },
    };
    let bombWorkflowId: string;

    beforeAll(async () => {
      // Warm up everything a first request pays once (JIT, the meta-schema, the definition store).
      await http
        .post('/v1/workflow-definitions')
        .set(everything)
        .send(definition(`warm-${suffix}`))
        .expect(201);
      await start({ definitionKey: `warm-${suffix}`, data: { code: 'a' } }).expect(201);
    });

    it('publishes a schema whose properties the bomb pattern would backtrack on while compiling', async () => {
      const { result, stallMs } = await maxLoopStallDuring(() =>
        http.post('/v1/workflow-definitions').set(everything).send(definition(bombKey, bombSchema)),
      );
      expect(result.status).toBe(201);
      expect(stallMs).toBeLessThan(MAX_LOOP_STALL_MS);
      bombWorkflowId = (await start({ definitionKey: bombKey, data: { code: 'aaa' } }).expect(201)).body.id as string;
    });

    it.each<[string, () => request.Test, { pointer: string; code: string }]>([
      ['instance data against pattern', () => start({ definitionKey: bombKey, data: { code: BOMB_INPUT } }), { pointer: '/body/data/code', code: 'pattern' }], // prettier-ignore
      // The key runs through patternProperties' bomb; `code` of the wrong type is what refuses it.
      ['a data key against patternProperties', () => start({ definitionKey: bombKey, data: { [`${BOMB_INPUT}x`]: 'v', code: 5 } }), { pointer: '/body/data/code', code: 'type' }], // prettier-ignore
      [
        'transition input against pattern',
        () =>
          // The instance comes from the publish test; without it this would be a fast 400 on its id.
          http
            .post(`/v1/workflows/${bombWorkflowId}/transitions`)
            .set(everything)
            .set('Idempotency-Key', randomUUID())
            .send({ name: 'note', input: { code: BOMB_INPUT } }),
        { pointer: '/body/input/code', code: 'pattern' },
      ],
    ])('refuses %s without holding the event loop', async (_name, send, expected) => {
      expect(bombWorkflowId).toEqual(expect.any(String));
      const { result, stallMs } = await maxLoopStallDuring(() => send());
      expectProblem(result, 400, 'validation_failed');
      // Refused by the schema itself, after the pattern ran: not by anything before it.
      expect(errorsOf(result)).toEqual([expected]);
      expect(stallMs).toBeLessThan(MAX_LOOP_STALL_MS);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a backreference', { type: 'string', pattern: '^(a+)\\1$' }, '/dataSchema/pattern'],
      ['lookahead', { type: 'object', properties: { a: { type: 'string', pattern: '^(?=a)a+$' } } }, '/dataSchema/properties/a/pattern'], // prettier-ignore
      ['lookbehind in patternProperties', { type: 'object', patternProperties: { '(?<=x)y': {} } }, '/dataSchema/patternProperties/(?<=x)y'], // prettier-ignore
    ])('refuses at publish a pattern with %s, as invalid_schema at its pointer', async (_name, schema, pointer) => {
      const document = { ...definition(`nolinear-${suffix}`), dataSchema: schema };
      const res = await changesNothing(() => http.post('/v1/workflow-definitions').set(everything).send(document));
      expectProblem(res, 400, 'validation_failed');
      expect(errorsOf(res)).toContainEqual({ pointer: `/body${pointer}`, code: 'invalid_schema' });
    });
  });
});
