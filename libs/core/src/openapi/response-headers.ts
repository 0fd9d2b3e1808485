import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { CACHE_POLICIES, DEFAULT_CACHE_CONTROL } from '../http/cache-control';

type Json = Record<string, unknown>;
type ResponseObject = OperationObject['responses'][string] & { headers?: Record<string, unknown> };

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The headers the API itself sends (not the security headers every response shares). */
const HEADERS: Record<string, { description: string; schema: Json }> = {
  'X-Request-Id': {
    description:
      "This request's id: the client's `X-Request-Id` when it was well-formed (1-128 of `A-Z a-z 0-9 . _ : -`, " +
      'starting with a letter or digit), else a new UUID. On every response; problems repeat it as `requestId`.',
    schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
  },
  ETag: {
    description:
      "The resource's version as a strong entity tag: send it in `If-Match` (writes) or `If-None-Match` (reads).",
    schema: { type: 'string', pattern: '^"[0-9]+"$', examples: ['"3"'] },
  },
  Location: {
    description: "The absolute URL of what was created, on the deployment's public base URL.",
    schema: { type: 'string', format: 'uri' },
  },
  'WWW-Authenticate': {
    description:
      'The Bearer challenge (RFC 6750): `error="invalid_token"` for a bad token; for step-up, the Entra ' +
      'claims challenge (`error="insufficient_claims"`) or RFC 9470 (`error="insufficient_user_authentication"`).',
    schema: { type: 'string', examples: ['Bearer error="invalid_token"'] },
  },
};

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** Why each policy, in the words the contract shows (docs/api/conventions.md has the table). */
const CACHE_REASONS: Record<keyof typeof CACHE_POLICIES, string> = {
  noStore: 'what this answers depends on who asks and when, and it has no validator to check a copy against.',
  revalidate:
    "only the caller's own cache may keep it, and must revalidate it on every use (`If-None-Match`), so " +
    'access is checked each time.',
  immutable: "a published version never changes; the caller's own cache may keep it for a day.",
  public: 'the same for everyone; any cache may keep it for an hour.',
};

/** One header component per policy (`Cache-Control.revalidate`), and one for problems. */
function cacheControlHeaders(): Record<string, unknown> {
  const header = (policy: string, why: string) => ({
    description: `Always \`${policy}\`: ${why}`,
    schema: { type: 'string', enum: [policy] },
  });
  const headers: Record<string, unknown> = {
    'Cache-Control.problem': header('no-store', 'a problem describes this request at this moment.'),
  };
  for (const [name, policy] of Object.entries(CACHE_POLICIES) as [keyof typeof CACHE_POLICIES, string][]) {
    headers[`Cache-Control.${name}`] = header(policy, CACHE_REASONS[name]);
  }
  return headers;
}

function cacheControlRef(policy: string): { $ref: string } {
  const name = Object.entries(CACHE_POLICIES).find(([, value]) => value === policy)?.[0];
  if (!name) throw new Error(`Cache-Control ${policy} is not one of CACHE_POLICIES`);
  return ref(`Cache-Control.${name}`);
}

/**
 * Conditional GETs: a GET whose answer carries an ETag (`@SendsETag()`) takes `If-None-Match` and
 * may answer 304. Runs before the traffic contract, which adds its headers to every response.
 */
export function declareConditionalGets(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    const operation = item.get;
    if (!operation || extensionsOf(operation)['x-etag'] !== true) continue;
    operation.parameters = [
      ...(operation.parameters ?? []),
      {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description:
          'ETags you hold (a list, weak or strong, or `*`). If one still matches (weak comparison), the answer ' +
          'is 304 with no body: your copy is current.',
        schema: { type: 'string' },
      },
    ];
    operation.responses['304'] = {
      description: 'Not Modified: the representation you hold (see `If-None-Match`) is still the current one.',
    };
  }
  return document;
}

/**
 * Declares every header the server sends, on every response that can carry it, from the route
 * metadata the decorators leave, so a new route is documented by what it declares:
 * - `X-Request-Id` everywhere;
 * - `Cache-Control`: `no-store` on problems; on a GET's 2xx and 304, its `@CacheControl()` policy
 *   (`x-cache-control`) or the default;
 * - `ETag` on the 2xx and 304 of `@SendsETag()` routes, `Location` on the 201 of `@SendsLocation()`;
 * - `WWW-Authenticate` on 401; `Retry-After` on 503 (a dependency expected back soon) and on an
 *   idempotent operation's 409 (its key still in flight).
 * `RateLimit*`, `Retry-After` on 429 and `Idempotent-Replayed` come from the traffic contract.
 */
export function declareResponseHeaders(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.headers = {
    ...document.components.headers,
    ...(structuredClone(HEADERS) as object),
    ...(cacheControlHeaders() as object),
  };
  for (const item of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (operation) declareOn(operation, method);
    }
  }
  return document;
}

function declareOn(operation: OperationObject, method: (typeof OPERATION_METHODS)[number]): void {
  const extensions = extensionsOf(operation);
  const policy = (extensions['x-cache-control'] as string | undefined) ?? DEFAULT_CACHE_CONTROL;
  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    const headers: Record<string, unknown> = { 'X-Request-Id': ref('X-Request-Id') };
    const success = /^2\d\d$/.test(status) || status === '304';
    if (success) {
      if (method === 'get') headers['Cache-Control'] = cacheControlRef(policy);
      if (extensions['x-etag'] === true) headers.ETag = ref('ETag');
      if (extensions['x-location'] === true && status === '201') headers.Location = ref('Location');
    } else {
      headers['Cache-Control'] = ref('Cache-Control.problem');
    }
    if (status === '401') headers['WWW-Authenticate'] = ref('WWW-Authenticate');
    if (status === '503' || (status === '409' && extensions['x-idempotency'])) {
      headers['Retry-After'] = ref('Retry-After');
    }
    response.headers = { ...headers, ...response.headers };
  }
}

function extensionsOf(operation: OperationObject): Json {
  return operation as unknown as Json;
}
