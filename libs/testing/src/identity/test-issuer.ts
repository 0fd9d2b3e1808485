import { KeyObject, webcrypto } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { JWK, KeyLike } from 'jose';
import { JsonMembers, publicKeyPem, signCompact } from './compact-jws';
import { IssuerKeys } from './issuer-keys';

export interface TestIssuerOptions {
  /** Issuer path on the server, e.g. `/<tid>/v2.0`. Default '' (issuer = the bare origin). */
  readonly path?: string;
}

export interface MintOptions {
  /** Header `kid`. Default: the current kid. Naming a key this issuer holds (also one rotated
   * out of the JWKS) signs with that key unless `key` says otherwise. */
  readonly kid?: string;
  /** Signing algorithm and default header `alg`: 'RS256' (default), RS384/512, PS256/384/512,
   * HS256/384/512 (secret = SPKI PEM of the signing key's public half) or 'none' (empty signature). */
  readonly alg?: string;
  /** Merged over `{ alg, typ: 'JWT', kid }`, sent verbatim (`jwk`, `jku`, `x5u`, `crit`, a lying `alg`);
   * a member set to `undefined` is removed. */
  readonly header?: JsonMembers;
  /** 'current' (default); 'unpublished': a key never in the JWKS, header kid still the current
   * one unless `kid` is set; or any private key. */
  readonly key?: 'current' | 'unpublished' | KeyLike;
  /** Seconds from now; may be negative. Default 3600. */
  readonly expiresIn?: number;
  /** Seconds from now for `nbf`. Default: no `nbf`. */
  readonly notBefore?: number;
  /** Seconds from now for `iat`. Default 0. */
  readonly issuedAt?: number;
  readonly noExp?: boolean;
  /** Adds a `x_pad` claim so the compact token is at least this many characters long. */
  readonly padToLength?: number;
}

export type OfflineMode = 'unavailable' | 'reset' | 'hang';

export interface IssuerRequestCounts {
  discovery: number;
  jwks: number;
}

type Route = { kind: 'jwks' } | { kind: 'discovery'; issuer: string; jwksUri: string };

// Entra's multi-tenant metadata publishes this placeholder instead of a tenant id.
const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

/**
 * A real OpenID Connect issuer on a loopback port, so the verifier under test fetches discovery
 * and keys over HTTP as it does against Entra ID, and tests can take that endpoint away.
 *
 * Served paths (all GET, all with the same key set):
 * - `<issuer>/.well-known/openid-configuration` and `<issuer>/discovery/keys`;
 * - Entra shapes for any tenant segment: `/<tid>/v2.0/.well-known/openid-configuration` (issuer
 *   `<host>/<tid>/v2.0`, keys at `/<tid>/discovery/v2.0/keys`) and `/<tid>/.well-known/openid-configuration`
 *   (v1, issuer `<host>/<tid>/`, keys at `/<tid>/discovery/keys`). `common` and `organizations`
 *   answer with the literal `{tenantid}` issuer, as Entra does.
 */
export class TestIssuer {
  /** Requests received per endpoint, including ones answered while offline. */
  readonly requests: IssuerRequestCounts = { discovery: 0, jwks: 0 };
  private readonly server: Server;
  private readonly hung = new Set<ServerResponse>();
  private offlineMode: OfflineMode | undefined;
  private discoveryOverrides: JsonMembers = {};
  private port = 0;
  private closed = false;

  private constructor(
    private readonly keys: IssuerKeys,
    private readonly path: string,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const path = options.path ?? '';
    if (path !== '' && !path.startsWith('/')) throw new Error(`Issuer path must start with '/': ${path}`);
    const issuer = new TestIssuer(await IssuerKeys.create(), path);
    await new Promise<void>((resolve, reject) => {
      issuer.server.once('error', reject);
      issuer.server.listen(0, '127.0.0.1', () => resolve());
    });
    issuer.port = (issuer.server.address() as { port: number }).port;
    return issuer;
  }

  /** `http://127.0.0.1:<port>`, the stand-in for `https://login.microsoftonline.com`. */
  get authorityHost(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get issuer(): string {
    return this.authorityHost + this.path;
  }

  get discoveryUrl(): string {
    return wellKnown(this.issuer);
  }

  get jwksUri(): string {
    return `${withoutTrailingSlash(this.issuer)}/discovery/keys`;
  }

  entraIssuer(tid: string, version: 'v2' | 'v1' = 'v2'): string {
    const segment = MULTI_TENANT_SEGMENTS.has(tid) ? '{tenantid}' : tid;
    return version === 'v2' ? `${this.authorityHost}/${segment}/v2.0` : `${this.authorityHost}/${segment}/`;
  }

  entraDiscoveryUrl(tid: string, version: 'v2' | 'v1' = 'v2'): string {
    return wellKnown(version === 'v2' ? `${this.authorityHost}/${tid}/v2.0` : `${this.authorityHost}/${tid}`);
  }

  entraJwksUri(tid: string, version: 'v2' | 'v1' = 'v2'): string {
    return `${this.authorityHost}/${tid}/discovery/${version === 'v2' ? 'v2.0/' : ''}keys`;
  }

  get currentKid(): string {
    return this.keys.current.kid;
  }

  get publishedKids(): string[] {
    return this.keys.publishedKids;
  }

  /** The JWKS as served (a copy). */
  get jwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }

  /** Public JWK of the key that `key: 'unpublished'` signs with, for `jwk` header injection. */
  get unpublishedJwk(): JWK {
    return { ...this.keys.unpublished.publicJwk };
  }

  /** SPKI PEM of a held key's public half (default current): the secret of the HS256 confusion token. */
  publicKeyPem(kid = this.currentKid): string {
    const key = this.keys.find(kid);
    if (!key) throw new Error(`No key ${kid}`);
    return publicKeyPem(key.privateKey);
  }

  /** Adds a new current signing key and returns its kid; older keys leave the JWKS unless `keepOld`. */
  rotateKeys(options: { keepOld?: boolean } = {}): Promise<string> {
    return this.keys.rotate(options.keepOld ?? false);
  }

  /**
   * A compact JWS over `{ iss: this.issuer, iat, exp, ...claims }`: claims win over the defaults,
   * and a claim set to `undefined` is left out.
   */
  mint(claims: JsonMembers, options: MintOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const alg = options.alg ?? 'RS256';
    const key = this.signingKey(options);
    const header = { alg, typ: 'JWT', kid: options.kid ?? this.currentKid, ...options.header };
    const payload: JsonMembers = {
      iss: this.issuer,
      iat: now + (options.issuedAt ?? 0),
      ...(options.notBefore === undefined ? {} : { nbf: now + options.notBefore }),
      ...(options.noExp ? {} : { exp: now + (options.expiresIn ?? 3600) }),
      ...claims,
    };
    const token = signCompact(header, payload, alg, key);
    const missing = (options.padToLength ?? 0) - token.length;
    if (missing <= 0) return token;
    // Each padding character adds 4/3 of a base64url character, so this always overshoots a little.
    return signCompact(header, { ...payload, x_pad: 'x'.repeat(Math.ceil((missing * 3) / 4)) }, alg, key);
  }

  /** Discovery members merged over the generated document (e.g. a foreign `issuer` or `jwks_uri`); no argument resets. */
  setDiscoveryOverrides(overrides: JsonMembers = {}): void {
    this.discoveryOverrides = { ...overrides };
  }

  /**
   * 'unavailable' (default) answers 503; 'reset' destroys the socket (the client sees a
   * connection reset); 'hang' never answers, until `goOnline()` or `close()` drops the connection.
   */
  goOffline(mode: OfflineMode = 'unavailable'): void {
    this.offlineMode = mode;
  }

  goOnline(): void {
    this.offlineMode = undefined;
    this.dropHungRequests();
  }

  resetRequestCounts(): void {
    this.requests.discovery = 0;
    this.requests.jwks = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropHungRequests();
    // Clients such as jose keep connections alive; without this close() would wait for them.
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private signingKey({ key, kid }: MintOptions): KeyObject {
    if (key === 'unpublished') return this.keys.unpublished.privateKey;
    if (key !== undefined && key !== 'current')
      return key instanceof KeyObject ? key : KeyObject.from(key as webcrypto.CryptoKey);
    const named = key === undefined && kid !== undefined ? this.keys.find(kid) : undefined;
    return (named ?? this.keys.current).privateKey;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const route = req.method === 'GET' ? this.route(new URL(req.url ?? '/', this.authorityHost).pathname) : undefined;
    if (!route) return send(res, 404, { error: 'not_found' });
    this.requests[route.kind] += 1;
    if (this.offlineMode === 'reset') return void req.socket.destroy();
    if (this.offlineMode === 'hang') return void this.hung.add(res);
    if (this.offlineMode === 'unavailable') return send(res, 503, { error: 'temporarily_unavailable' });
    send(res, 200, route.kind === 'jwks' ? this.keys.jwks() : this.discovery(route.issuer, route.jwksUri));
  }

  private route(pathname: string): Route | undefined {
    const base = withoutTrailingSlash(this.path);
    if (pathname === `${base}/discovery/keys` || /^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(pathname)) {
      return { kind: 'jwks' };
    }
    const prefix = /^(.*)\/\.well-known\/openid-configuration$/.exec(pathname)?.[1];
    if (prefix === undefined) return undefined;
    if (prefix === base) return { kind: 'discovery', issuer: this.issuer, jwksUri: this.jwksUri };
    const entra = /^\/([^/]+)(\/v2\.0)?$/.exec(prefix);
    if (!entra) return undefined;
    const version = entra[2] ? 'v2' : 'v1';
    return {
      kind: 'discovery',
      issuer: this.entraIssuer(entra[1], version),
      jwksUri: this.entraJwksUri(entra[1], version),
    };
  }

  private discovery(issuer: string, jwksUri: string): JsonMembers {
    // Only issuer and jwks_uri are served; the rest makes the document look like a real one.
    const endpoints = withoutTrailingSlash(issuer).replace(/\/v2\.0$/, '');
    return {
      issuer,
      jwks_uri: jwksUri,
      authorization_endpoint: `${endpoints}/oauth2/v2.0/authorize`,
      token_endpoint: `${endpoints}/oauth2/v2.0/token`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'tid', 'oid', 'ver'],
      ...this.discoveryOverrides,
    };
  }

  private dropHungRequests(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/$/, '');
}

/** OpenID Connect Discovery §4: a trailing '/' of the issuer is removed before appending. */
function wellKnown(issuer: string): string {
  return `${withoutTrailingSlash(issuer)}/.well-known/openid-configuration`;
}
