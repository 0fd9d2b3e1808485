import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DevIdentityProvider, ROLES } from '@flowgate/auth';
import { ERROR_CATALOGUE, isErrorCode } from '@flowgate/core';
import { API_MIGRATIONS } from '@flowgate/api';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import {
  brokenArbitrary,
  HOSTILE_VALUES,
  RAW_BODIES,
  refResolver,
  schemaArbitrary,
  type SchemaNode,
} from '@flowgate/testing';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';

/**
 * Contract fuzzing: every operation of the OpenAPI document, driven with requests generated from
 * its own parameters and schemas — valid ones, broken ones (a member dropped, a wrong type, an
 * unknown member, hostile strings, deep nesting), raw bodies no serializer writes, missing and
 * forged credentials — against the real app on a PostgreSQL database of its own and the run's
 * Redis. Every answer must keep the contract:
 *
 * - never a 5xx;
 * - a status the operation documents (a 4XX range counts for 4xx);
 * - `X-Request-Id` on every response; every error `application/problem+json` with a `code` from
 *   the catalogue, `status` equal to the HTTP status, and the same request id;
 * - a JSON success body valid against the documented schema;
 * - no response header of the API's own (ETag, Location, RateLimit, …) that the operation does
 *   not document for that status.
 *
 * fast-check shrinks a failing request to a small one and prints it with the seed to replay.
 */

const DOCUMENT = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as OpenApiDocument;
/** Requests per operation and run: about 1,900 in all, under 10 s on this machine; 250 (8,000) ran clean too. */
const RUNS_PER_OPERATION = 60;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** Headers the API itself sets (not the framework's or the security headers), which the contract must name. */
const OWN_HEADERS = ['etag', 'location', 'ratelimit', 'ratelimit-policy', 'retry-after', 'idempotent-replayed'];
const PROBLEM_JSON = /^application\/problem\+json/;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema?: SchemaNode;
}

interface ResponseObject {
  readonly headers?: Record<string, unknown>;
  readonly content?: Record<string, { readonly schema?: SchemaNode }>;
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: SchemaNode }> };
  readonly responses: Record<string, ResponseObject>;
}

interface OpenApiDocument {
  readonly paths: Record<string, Partial<Record<(typeof HTTP_METHODS)[number], Operation>>>;
  readonly components: Record<string, unknown>;
}

interface Route {
  readonly method: (typeof HTTP_METHODS)[number];
  readonly path: string;
  readonly operation: Operation;
}

/** One generated request, printable when fast-check reports it. */
interface FuzzRequest {
  readonly path: string;
  readonly query: Record<string, string>;
  /** Who calls: one of the fixture people by role, or a broken credential. */
  readonly caller: string;
  readonly headers: Record<string, string>;
  /** A value to send as JSON, a raw string, or nothing. */
  readonly body: { readonly json: unknown } | { readonly raw: string } | undefined;
}

const ROUTES: Route[] = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
  HTTP_METHODS.flatMap((method) => {
    const operation = item[method];
    return operation ? [{ method, path, operation }] : [];
  }),
);
const resolve = refResolver(DOCUMENT as unknown as Record<string, unknown>);

describe('Contract fuzzing (generated from openapi.json)', () => {
  let scratch: ScratchDatabase;
  let testApp: TestApp;
  /** Bearer tokens by the role of the fixture person they belong to. */
  const tokens: Record<string, string> = {};
  /** Callers that are not a fixture person: what goes in the Authorization header, if anything. */
  const BROKEN_CALLERS: Record<string, string | undefined> = {
    anonymous: undefined,
    'bare scheme': 'Bearer',
    'not a JWT': 'Bearer x.y.z',
    'basic auth': 'Basic dXNlcjpwYXNz',
  };
  /**
   * Ids the generated paths point at. Admin operations on users (suspend, revoke sessions) aim at
   * people who never call, so that the callers' own tokens keep working for the whole run.
   */
  const fixtures = {
    workflowIds: [] as string[],
    userIds: [] as string[],
    bystanderIds: [] as string[],
    key: 'fuzz-definition',
  };
  const tally: Record<string, number> = {};
  let validate: (ref: SchemaNode, value: unknown) => string | undefined;

  beforeAll(async () => {
    // A database of its own: thousands of generated writes must not crowd the other suites' data.
    scratch = await createScratchDatabase('contract_fuzz', API_MIGRATIONS);
    testApp = await createTestApp({ env: { DATABASE_URL: scratch.config.database.url } });
    const dev = testApp.app.get(DevIdentityProvider);
    const people = [
      { user: 'fuzz-admin', roles: ['admin'], stepUp: true },
      { user: 'fuzz-requester', roles: ['requester'], stepUp: false },
      { user: 'fuzz-approver', roles: ['approver'], stepUp: true },
      { user: 'fuzz-auditor', roles: ['auditor'], stepUp: false },
    ] as const;
    for (const person of people) {
      const token = await dev.mint({ user: person.user, roles: [...person.roles], stepUp: person.stepUp });
      tokens[person.roles[0]] = token;
      const me = (await call('GET', '/v1/me', {}, { authorization: `Bearer ${token}` })).json as { id: string };
      fixtures.userIds.push(me.id);
    }
    for (const user of ['fuzz-bystander-1', 'fuzz-bystander-2']) {
      const token = await dev.mint({ user, roles: ['approver'] });
      const me = (await call('GET', '/v1/me', {}, { authorization: `Bearer ${token}` })).json as { id: string };
      fixtures.bystanderIds.push(me.id);
    }
    const admin = { authorization: `Bearer ${tokens.admin}` };
    const requester = { authorization: `Bearer ${tokens.requester}` };
    const published = await call('POST', '/v1/workflow-definitions', {}, admin, {
      json: {
        key: fixtures.key,
        title: 'Fuzzed',
        visibility: 'authenticated',
        dataSchema: { type: 'object', properties: { note: { type: 'string', maxLength: 50 } } },
        states: [{ name: 'draft', initial: true }, { name: 'review' }, { name: 'done', terminal: true }],
        transitions: [
          { name: 'submit', from: 'draft', to: 'review', role: 'requester', actor: 'initiator' },
          { name: 'approve', from: 'review', to: 'done', role: 'approver', actor: 'assignee', input: { type: 'object', properties: { comment: { type: 'string' } } } }, // prettier-ignore
          { name: 'vote', from: 'review', to: 'done', role: 'approver', quorum: 2 },
        ],
      },
    });
    expect(published.status).toBe(201);
    for (let n = 0; n < 3; n += 1) {
      const started = await call(
        'POST',
        '/v1/workflows',
        {},
        { ...requester, 'idempotency-key': `fixture-${n}` },
        {
          json: { definitionKey: fixtures.key, data: { note: `fixture ${n}` } },
        },
      );
      expect(started.status).toBe(201);
      fixtures.workflowIds.push((started.json as { id: string }).id);
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi', components: DOCUMENT.components });
    validate = (schema, value) => {
      const pointed = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'));
      const check = ajv.compile(pointed as object);
      return check(value) ? undefined : ajv.errorsText(check.errors);
    };
  }, 120_000);

  afterAll(async () => {
    const total = Object.values(tally).reduce((sum, count) => sum + count, 0);
    const byStatus = Object.entries(tally)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    process.stdout.write(`\nContract fuzzing: ${total} requests over ${ROUTES.length} operations (${byStatus})\n`);
    await testApp?.close();
    await scratch?.drop();
  });

  /**
   * Sends one request with node:http rather than fetch, which refuses a body on GET and DELETE —
   * a body where none belongs is one of the things to send.
   */
  function call(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    body?: FuzzRequest['body'],
  ): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
    const url = new URL(path, testApp.url);
    for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
    const payload = body === undefined ? undefined : 'raw' in body ? body.raw : JSON.stringify(body.json);
    const sent = { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers };
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(url, { method, headers: sent, agent: false }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const received = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: incoming.statusCode ?? 0, headers: received, text, json });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Printable ASCII only: header values outside it never leave the client (fetch refuses them). */
  const headerText = fc.stringMatching(/^[!-~]{0,300}$/);
  const garbagePathSegment = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.constantFrom('0', '-1', '1.5', '9'.repeat(40), 'null', '..', '%00', 'ÄÖÜ', 'a'.repeat(300)),
  );

  function pathValue(route: Route, name: string): fc.Arbitrary<string> {
    const uuid = fc.uuid();
    switch (name) {
      case 'id':
        if (route.path.startsWith('/v1/workflows/'))
          return fc.oneof(fc.constantFrom(...fixtures.workflowIds), uuid, garbagePathSegment);
        if (route.path.startsWith('/v1/users/'))
          return fc.oneof(fc.constantFrom(...fixtures.bystanderIds), uuid, garbagePathSegment);
        return fc.oneof(uuid, garbagePathSegment);
      case 'userId':
        return fc.oneof(fc.constantFrom(...fixtures.userIds, ...fixtures.bystanderIds), uuid, garbagePathSegment);
      case 'key':
        return fc.oneof(fc.constant(fixtures.key), fc.stringMatching(/^[a-z][a-z0-9-]{1,62}$/), garbagePathSegment);
      case 'version':
        return fc.oneof(fc.constantFrom('1', '2'), fc.integer().map(String), garbagePathSegment);
      case 'role':
        return fc.oneof(fc.constantFrom(...ROLES), garbagePathSegment);
      case 'code':
        return fc.oneof(fc.constantFrom(...ERROR_CATALOGUE.list().map(({ code }) => code)), garbagePathSegment);
      default:
        return garbagePathSegment;
    }
  }

  function queryValue(parameter: Parameter): fc.Arbitrary<string> {
    const valid = schemaArbitrary(parameter.schema ?? {}, resolve).map((value) =>
      typeof value === 'string' ? value : JSON.stringify(value),
    );
    return fc.oneof(
      { weight: 9, arbitrary: valid },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_VALUES).map((value) => String(value)) },
    );
  }

  function headerValue(name: string): fc.Arbitrary<string | undefined> {
    if (name.toLowerCase() === 'idempotency-key') {
      return fc.oneof(fc.uuid(), headerText, fc.constant(undefined), fc.constant(`"${'k'.repeat(300)}"`));
    }
    if (name.toLowerCase() === 'if-match') {
      return fc.oneof(fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '"nope"', 'garbage'), fc.constant(undefined));
    }
    return fc.oneof(headerText, fc.constant(undefined));
  }

  function requestArbitrary(route: Route): fc.Arbitrary<FuzzRequest> {
    const parameters = route.operation.parameters ?? [];
    const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
    const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
    const headerParameters = parameters.filter((parameter) => parameter.in === 'header');
    const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
    const body: fc.Arbitrary<FuzzRequest['body']> = bodySchema
      ? fc.oneof(
          { weight: 4, arbitrary: schemaArbitrary(bodySchema, resolve).map((json) => ({ json })) },
          { weight: 3, arbitrary: brokenArbitrary(bodySchema, resolve).map((json) => ({ json })) },
          { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) },
        )
      : fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((json) => ({ json })) },
        );
    return fc.record({
      path: fc.tuple(...pathParameters.map((parameter) => pathValue(route, parameter.name))).map((values) => {
        let path = route.path;
        pathParameters.forEach((parameter, index) => {
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(values[index]));
        });
        return path;
      }),
      query: fc
        .tuple(
          fc.record(Object.fromEntries(queryParameters.map((parameter) => [parameter.name, queryValue(parameter)])), {
            requiredKeys: [],
          }),
          // An unknown parameter now and then (one request in ten): every one is a 400.
          fc.oneof(
            { weight: 9, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[a-zA-Z_]{1,12}$/), headerText) },
          ),
        )
        .map(([declared, unknown]) => {
          const query: Record<string, string> = {};
          for (const [name, value] of Object.entries(declared)) if (value !== undefined) query[name] = value;
          if (unknown) query[unknown[0]] = unknown[1];
          return query;
        }),
      caller: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...Object.keys(tokens)) },
        { weight: 1, arbitrary: fc.constantFrom(...Object.keys(BROKEN_CALLERS)) },
      ),
      headers: fc.tuple(...headerParameters.map((parameter) => headerValue(parameter.name))).map((values) => {
        const headers: Record<string, string> = {};
        headerParameters.forEach((parameter, index) => {
          const value = values[index];
          if (value !== undefined) headers[parameter.name.toLowerCase()] = value;
        });
        return headers;
      }),
      body,
    });
  }

  /** Every way an answer can break the contract, as messages (empty: it kept it). */
  function breaches(route: Route, response: Awaited<ReturnType<typeof call>>): string[] {
    const found: string[] = [];
    const { status } = response;
    const documented = route.operation.responses[String(status)] ?? route.operation.responses[`${String(status)[0]}XX`];
    if (status >= 500) found.push(`answered ${status}`);
    if (!documented) found.push(`status ${status} is not in the contract`);
    const requestId = response.headers.get('x-request-id');
    if (!requestId) found.push('no X-Request-Id');
    if (status >= 400) {
      const problem = response.json as Record<string, unknown> | undefined;
      if (!PROBLEM_JSON.test(response.headers.get('content-type') ?? ''))
        found.push('an error that is not problem+json');
      if (problem?.status !== status) found.push(`problem status ${String(problem?.status)} ≠ ${status}`);
      if (typeof problem?.code !== 'string' || !isErrorCode(problem.code)) found.push(`problem code ${String(problem?.code)} not in the catalogue`); // prettier-ignore
      if (problem?.requestId !== requestId) found.push('problem requestId ≠ X-Request-Id');
    }
    if (status >= 200 && status < 300 && documented) {
      const schema = documented.content?.['application/json']?.schema;
      if (schema && (response.headers.get('content-type') ?? '').startsWith('application/json')) {
        const invalid = validate(schema, response.json);
        if (invalid) found.push(`body breaks the documented schema: ${invalid}`);
      }
    }
    const declared = new Set(Object.keys(documented?.headers ?? {}).map((name) => name.toLowerCase()));
    for (const name of OWN_HEADERS) {
      if (response.headers.has(name) && !declared.has(name)) found.push(`header ${name} is not in the contract for ${status}`); // prettier-ignore
    }
    return found;
  }

  it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s keeps the contract',
    async (_label, route) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route), async (request) => {
          const credential =
            request.caller in tokens ? `Bearer ${tokens[request.caller]}` : BROKEN_CALLERS[request.caller];
          const headers = { ...request.headers, ...(credential === undefined ? {} : { authorization: credential }) };
          const response = await call(route.method.toUpperCase(), request.path, request.query, headers, request.body);
          tally[response.status] = (tally[response.status] ?? 0) + 1;
          const found = breaches(route, response);
          if (found.length > 0) throw new Error(`${found.join('; ')}\nresponse: ${response.text.slice(0, 500)}`);
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    },
    60_000,
  );
});
