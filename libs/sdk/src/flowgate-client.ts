import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/openapi';

/** A bearer token, or a function asked before every request so that a refreshed token is used. */
export type TokenSource = string | (() => string | Promise<string>);

export interface FlowgateClientOptions {
  /** Where the API is served, e.g. `https://flowgate.example.com`; paths already carry `/v1`. */
  readonly baseUrl: string;
  readonly token?: TokenSource;
  /** Defaults to the global `fetch`; tests pass their own to observe or fake requests. */
  readonly fetch?: ClientOptions['fetch'];
}

export type FlowgateClient = Client<paths>;
export type Schemas = components['schemas'];

/**
 * A typed client for the Flowgate API: `client.GET('/v1/problem-types/{code}', { params: { path:
 * { code } } })` resolves to `{ data, response }` or `{ error, response }`, and every documented
 * error is a `ProblemDetails`. To throw instead, wrap the call in `unwrap()` (a `FlowgateProblem`).
 */
export function createFlowgateClient(options: FlowgateClientOptions): FlowgateClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (options.token !== undefined) client.use(bearerAuthorization(options.token));
  return client;
}

function bearerAuthorization(token: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
      return request;
    },
  };
}
