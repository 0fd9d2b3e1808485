import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, isRole, type Role, ROLES, satisfies } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * Every operation of the served OpenAPI document against every role, so a new route is covered
 * the moment it exists: it is either public (`security: []`) or refused without a token, and its
 * declared `x-required-role` / `x-step-up-required` are exactly what the guards enforce. Each case
 * collects its mismatches and asserts the list is empty, so one run names every offending route.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const WRITE_METHODS: readonly HttpMethod[] = ['post', 'put', 'patch'];
// Pinned so the expected challenge does not depend on the developer's environment.
const STEP_UP_ACRS = 'c1';
const STEP_UP_MAX_AGE_SECONDS = 900;
const CLAIMS_REQUEST = Buffer.from('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}', 'utf8').toString(
  'base64',
);

type HttpMethod = (typeof HTTP_METHODS)[number];

interface OperationObject {
  readonly operationId?: string;
  readonly security?: readonly Record<string, unknown>[];
  readonly requestBody?: unknown;
  readonly 'x-public'?: unknown;
  readonly 'x-required-role'?: unknown;
  readonly 'x-step-up-required'?: unknown;
}

interface OpenApiDocument {
  readonly security?: readonly Record<string, unknown>[];
  readonly components?: { readonly securitySchemes?: Record<string, { type?: string; scheme?: string }> };
  readonly paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
}

interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: OperationObject;
  readonly label: string;
}

/** `/v1/users/{id}/role-grants/{role}` → a concrete URL: a fresh UUID per id, a real role name. */
function concretePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => (name === 'role' ? 'viewer' : randomUUID()));
}

/** The parameters of a `Bearer` challenge (RFC 9110 §11.6.1), quoted-strings unescaped. */
function challengeParams(header: unknown): Record<string, string> {
  expect(typeof header).toBe('string');
  expect(header).toMatch(/^Bearer( |$)/);
  const params: Record<string, string> = {};
  const pattern = /([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const match of (header as string).slice('Bearer'.length).matchAll(pattern)) {
    params[match[1]] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return params;
}

function describeOutcome(res: request.Response): string {
  const code = (res.body as { code?: unknown } | undefined)?.code;
  return `${res.status} ${typeof code === 'string' ? code : '-'}`;
}

function isProblem(res: request.Response, status: number, code: string): boolean {
  return (
    res.status === status &&
    PROBLEM_JSON.test(String(res.headers['content-type'])) &&
    res.body?.code === code &&
    res.body?.status === status
  );
}

describe('Route access matrix (from the served OpenAPI document)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  let document: OpenApiDocument;
  let routes: Route[];
  const suffix = randomBytes(4).toString('hex');
  /** Exactly one role each, step-up satisfied. */
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        AUTH_STEP_UP_ACRS: STEP_UP_ACRS,
        AUTH_STEP_UP_MAX_AGE_SECONDS: String(STEP_UP_MAX_AGE_SECONDS),
        AUTH_ROLE_MAPPING: '',
        AUTH_ENTRA_AUTHORITY_HOST: undefined,
      },
    });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
    const served = await http.get('/openapi.json').expect(200);
    document = served.body as OpenApiDocument;
    routes = Object.entries(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.flatMap((method) => {
        const operation = item[method];
        return operation ? [{ method, path, operation, label: `${method.toUpperCase()} ${path}` }] : [];
      }),
    );
    for (const role of ROLES) {
      tokens[role] = await dev.mint({ user: `matrix-${role}-${suffix}`, roles: [role], stepUp: true });
    }
  });

  afterAll(() => testApp?.close());

  const isPublicRoute = (route: Route) =>
    Array.isArray(route.operation.security) && route.operation.security.length === 0;
  const protectedRoutes = () => routes.filter((route) => !isPublicRoute(route));
  const roleRoutes = () => routes.filter((route) => route.operation['x-required-role'] !== undefined);
  const stepUpRoutes = () => routes.filter((route) => route.operation['x-step-up-required'] === true);

  /** One request to a route, with the route's path parameters filled and `{}` as a write body. */
  function call(route: Route, headers: Record<string, string> = {}): Promise<request.Response> {
    let req = http[route.method](concretePath(route.path));
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    if (WRITE_METHODS.includes(route.method) || route.operation.requestBody !== undefined) {
      req = req.set('Content-Type', 'application/json').send('{}');
    }
    return req;
  }

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('finds enough operations that the matrix cannot pass vacuously', () => {
    expect(protectedRoutes().length).toBeGreaterThanOrEqual(6);
    expect(roleRoutes().length).toBeGreaterThanOrEqual(5);
    expect(stepUpRoutes().length).toBeGreaterThanOrEqual(3);
    // The admin endpoints this suite exists for are in the document it walks.
    expect(roleRoutes().map((route) => route.label)).toEqual(
      expect.arrayContaining(['GET /v1/users', 'PATCH /v1/users/{id}', 'PUT /v1/users/{id}/role-grants/{role}']),
    );
  });

  describe('(a) deny by default', () => {
    it('requires a bearer token or a browser session at the document root, with both schemes defined', () => {
      expect(document.security).toEqual([{ bearer: [] }, { session: [] }]);
      expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.components?.securitySchemes?.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    });

    it('declares every operation either public (security: [] and x-public) or protected', () => {
      const mismatches = routes.flatMap((route) => {
        const { security } = route.operation;
        const publicFlag = route.operation['x-public'] === true;
        if (isPublicRoute(route) !== publicFlag) {
          return [`${route.label}: security ${JSON.stringify(security)} but x-public ${String(publicFlag)}`];
        }
        if (security !== undefined && !isPublicRoute(route) && !security.some((entry) => 'bearer' in entry)) {
          return [`${route.label}: security ${JSON.stringify(security)} does not name the bearer scheme`];
        }
        if (isPublicRoute(route) && (route.operation['x-required-role'] || route.operation['x-step-up-required'])) {
          return [`${route.label}: public but declares a role or step-up requirement`];
        }
        return [];
      });
      expect(mismatches).toEqual([]);
    });

    it('declares only known roles in x-required-role', () => {
      const unknown = roleRoutes().filter((route) => !isRole(route.operation['x-required-role']));
      expect(unknown.map((route) => route.label)).toEqual([]);
    });

    it('answers every protected operation without a token with 401 unauthenticated and a Bearer challenge', async () => {
      const mismatches: string[] = [];
      for (const route of protectedRoutes()) {
        const res = await call(route);
        if (!isProblem(res, 401, 'unauthenticated') || !/^Bearer\b/.test(String(res.headers['www-authenticate']))) {
          mismatches.push(
            `${route.label}: ${describeOutcome(res)}, WWW-Authenticate ${res.headers['www-authenticate']}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('answers public operations without a token (never 401 or 403)', async () => {
      const mismatches: string[] = [];
      for (const route of routes.filter(isPublicRoute)) {
        const res = await call(route);
        if (res.status === 401 || res.status === 403) mismatches.push(`${route.label}: ${describeOutcome(res)}`);
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe('(b) x-required-role × every role', () => {
    it('refuses exactly the roles that do not satisfy the declared role, and lets the others through', async () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (const route of roleRoutes()) {
        const required = route.operation['x-required-role'] as Role;
        for (const role of ROLES) {
          const res = await call(route, bearer(tokens[role]));
          checked += 1;
          if (!satisfies([role], required)) {
            if (!isProblem(res, 403, 'insufficient_role') || res.body.requiredRole !== required) {
              mismatches.push(`${route.label} as ${role}: expected 403 insufficient_role, got ${describeOutcome(res)}`);
            }
          } else if (res.status === 401 || (res.status === 403 && res.body?.code === 'insufficient_role')) {
            mismatches.push(`${route.label} as ${role}: expected to pass the guards, got ${describeOutcome(res)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBe(roleRoutes().length * ROLES.length);
    });

    it('lets every role through a protected operation that declares no role', async () => {
      const mismatches: string[] = [];
      for (const route of protectedRoutes().filter((r) => r.operation['x-required-role'] === undefined)) {
        for (const role of ROLES) {
          const res = await call(route, bearer(tokens[role]));
          if (res.status === 401 || res.status === 403) {
            mismatches.push(`${route.label} as ${role}: ${describeOutcome(res)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe('(c) x-step-up-required', () => {
    const cases = [
      {
        name: 'Entra claims challenge when the token declares cp1',
        claimsChallengeCapable: true,
        header: (params: Record<string, string>) => {
          expect(params).toEqual({
            realm: '',
            authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize',
            error: 'insufficient_claims',
            error_description: expect.any(String),
            claims: CLAIMS_REQUEST,
          });
        },
        body: { challengeFormat: 'entra_claims_challenge', acrValues: 'c1', claims: CLAIMS_REQUEST },
      },
      {
        name: 'RFC 9470 challenge otherwise',
        claimsChallengeCapable: false,
        header: (params: Record<string, string>) => {
          expect(params).toEqual({
            error: 'insufficient_user_authentication',
            error_description: expect.any(String),
            acr_values: 'c1',
            max_age: String(STEP_UP_MAX_AGE_SECONDS),
          });
        },
        body: { challengeFormat: 'rfc9470', acrValues: 'c1' },
      },
    ];

    it.each(cases)('answers an admin without step-up with 401 step_up_required: $name', async (expected) => {
      const token = await dev.mint({
        user: `matrix-nostepup-${suffix}`,
        roles: ['admin'],
        claimsChallengeCapable: expected.claimsChallengeCapable,
      });
      expect(stepUpRoutes().length).toBeGreaterThan(0);
      for (const route of stepUpRoutes()) {
        const res = await call(route, bearer(token));
        expect({ route: route.label, outcome: describeOutcome(res) }).toEqual({
          route: route.label,
          outcome: '401 step_up_required',
        });
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        expected.header(challengeParams(res.headers['www-authenticate']));
        expect(res.body).toMatchObject({
          ...expected.body,
          reason: 'no_strong_authentication',
          maxAge: STEP_UP_MAX_AGE_SECONDS,
        });
        if (!expected.claimsChallengeCapable) expect(res.body).not.toHaveProperty('claims');
        expect(JSON.parse(Buffer.from(CLAIMS_REQUEST, 'base64').toString('utf8'))).toEqual({
          access_token: { acrs: { essential: true, value: 'c1' } },
        });
      }
    });

    it('does not demand step-up where the document does not declare it', async () => {
      // admin and auditor together satisfy every role requirement, so only step-up can refuse.
      const token = await dev.mint({ user: `matrix-nostepup-${suffix}`, roles: ['admin', 'auditor'] });
      const mismatches: string[] = [];
      for (const route of protectedRoutes().filter((r) => r.operation['x-step-up-required'] !== true)) {
        const res = await call(route, bearer(token));
        if (res.status === 401 || res.status === 403) mismatches.push(`${route.label}: ${describeOutcome(res)}`);
      }
      expect(mismatches).toEqual([]);
    });

    it('checks the role before step-up: a viewer without step-up gets 403, not a pointless MFA prompt', async () => {
      const token = await dev.mint({ user: `matrix-viewer-nostepup-${suffix}`, roles: ['viewer'] });
      const mismatches: string[] = [];
      for (const route of stepUpRoutes().filter(
        (r) => !satisfies(['viewer'], r.operation['x-required-role'] as Role),
      )) {
        const res = await call(route, bearer(token));
        if (!isProblem(res, 403, 'insufficient_role')) mismatches.push(`${route.label}: ${describeOutcome(res)}`);
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe('(d) guard order', () => {
    it('answers a suspended user with 403 user_suspended, before the role and step-up checks', async () => {
      const user = `matrix-suspended-${suffix}`;
      const token = await dev.mint({ user, roles: ['viewer'] });
      const me = await http.get('/v1/me').set(bearer(token)).expect(200);
      const admin = bearer(tokens.admin);
      const current = await http.get(`/v1/users/${me.body.id}`).set(admin).expect(200);
      await http
        .patch(`/v1/users/${me.body.id}`)
        .set(admin)
        .set('If-Match', current.headers.etag)
        .send({ status: 'suspended' })
        .expect(200);

      const mismatches: string[] = [];
      for (const route of roleRoutes()) {
        const res = await call(route, bearer(token));
        if (!isProblem(res, 403, 'user_suspended')) mismatches.push(`${route.label}: ${describeOutcome(res)}`);
      }
      expect(mismatches).toEqual([]);
    });

    it('answers an admin route without a valid token with 401, never 403', async () => {
      const mismatches: string[] = [];
      const attempts: [string, Record<string, string>, string][] = [
        ['no Authorization header', {}, 'unauthenticated'],
        ['another scheme', { Authorization: 'Basic YWRtaW46YWRtaW4=' }, 'unauthenticated'],
        ['a token that is not a JWT', { Authorization: 'Bearer not-a-jwt' }, 'invalid_token'],
      ];
      for (const route of roleRoutes()) {
        for (const [name, headers, code] of attempts) {
          const res = await call(route, headers);
          if (!isProblem(res, 401, code)) mismatches.push(`${route.label} with ${name}: ${describeOutcome(res)}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
