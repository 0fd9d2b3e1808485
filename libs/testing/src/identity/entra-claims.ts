import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** The client app registration a token was issued to when a test names none (`azp`). */
export const TEST_CLIENT_APP_ID = '3f0c2a51-7d4e-4b8a-9c6f-5e1d2b7a8c90';

export interface EntraAccessTokenInput {
  readonly tid: string;
  readonly oid: string;
  /** The API's application ID URI or client id. */
  readonly aud: string;
  /** The calling client's app id. Default TEST_CLIENT_APP_ID. */
  readonly azp?: string;
  /** Delegated scopes, space separated. Default 'access_as_user'. */
  readonly scp?: string;
  readonly roles?: readonly string[];
  readonly groups?: readonly string[];
  /** Directory role template ids. */
  readonly wids?: readonly string[];
  readonly name?: string;
  /** Becomes `preferred_username` and the optional `email` claim. */
  readonly email?: string;
  /** Conditional Access authentication context ids, e.g. ['c1'] after step-up. */
  readonly acrs?: readonly string[];
  /** v1 tokens carry `amr`; v2 access tokens only when a test wants it. */
  readonly amr?: readonly string[];
  /** Absolute epoch seconds (optional claim `auth_time`). */
  readonly authTime?: number;
  /** Client capabilities, e.g. ['cp1'] for a CAE-capable client. */
  readonly xmsCc?: readonly string[];
}

export interface EntraIdTokenInput {
  readonly tid: string;
  readonly oid: string;
  /** The client app id the ID token was issued to. */
  readonly aud: string;
  readonly nonce?: string;
  readonly name?: string;
  readonly email?: string;
  readonly amr?: readonly string[];
  /** Absolute epoch seconds. */
  readonly authTime?: number;
}

export interface EntraAppTokenInput {
  readonly tid: string;
  /** Object id of the calling app's service principal. */
  readonly oid: string;
  readonly aud: string;
  readonly azp?: string;
  readonly roles?: readonly string[];
}

/**
 * A delegated (user) v2 access token's claims as Entra ID issues them, per Microsoft's access
 * token claims reference. `iss`, `iat`, `nbf`/`exp` come from `TestIssuer.mint`.
 */
export function entraAccessTokenClaims(input: EntraAccessTokenInput): Record<string, unknown> {
  const azp = input.azp ?? TEST_CLIENT_APP_ID;
  return defined({
    aud: input.aud,
    ver: '2.0',
    tid: input.tid,
    oid: input.oid,
    sub: pairwiseSubject(input.oid, input.aud),
    azp,
    azpacr: '0',
    scp: input.scp ?? 'access_as_user',
    roles: input.roles && [...input.roles],
    groups: input.groups && [...input.groups],
    wids: input.wids && [...input.wids],
    name: input.name ?? 'Test User',
    preferred_username: input.email ?? defaultUsername(input.oid),
    email: input.email,
    acrs: input.acrs && [...input.acrs],
    amr: input.amr && [...input.amr],
    auth_time: input.authTime,
    xms_cc: input.xmsCc && [...input.xmsCc],
    ...opaqueClaims(),
  });
}

/**
 * A v2 ID token's claims: audience is the client, it has a `nonce`, `sid` and `at_hash`, and no
 * `scp`/`azp`. For proving the API refuses an ID token presented as an access token.
 */
export function entraIdTokenClaims(input: EntraIdTokenInput): Record<string, unknown> {
  return defined({
    aud: input.aud,
    ver: '2.0',
    tid: input.tid,
    oid: input.oid,
    sub: pairwiseSubject(input.oid, input.aud),
    name: input.name ?? 'Test User',
    preferred_username: input.email ?? defaultUsername(input.oid),
    email: input.email,
    nonce: input.nonce ?? randomBytes(16).toString('base64url'),
    sid: randomUUID(),
    at_hash: randomBytes(16).toString('base64url'),
    amr: input.amr && [...input.amr],
    auth_time: input.authTime,
    ...opaqueClaims(),
  });
}

/** An app-only (client credentials) v2 access token: `roles` but no `scp`, `sub` = `oid`, `idtyp: 'app'`. */
export function entraAppTokenClaims(input: EntraAppTokenInput): Record<string, unknown> {
  return defined({
    aud: input.aud,
    ver: '2.0',
    tid: input.tid,
    oid: input.oid,
    sub: input.oid,
    azp: input.azp ?? TEST_CLIENT_APP_ID,
    azpacr: '1',
    idtyp: 'app',
    roles: input.roles && [...input.roles],
    ...opaqueClaims(),
  });
}

/** Entra's `sub` differs per application for the same user; only `oid` identifies them across apps. */
function pairwiseSubject(oid: string, app: string): string {
  return createHash('sha256').update(`${oid}:${app}`).digest('base64url');
}

function defaultUsername(oid: string): string {
  return `user-${oid.slice(0, 8)}@contoso.test`;
}

/** Claims Microsoft marks opaque; present so a verifier is tested against their real shape, never read. */
function opaqueClaims(): Record<string, string> {
  return {
    aio: randomBytes(48).toString('base64url'),
    rh: `0.${randomBytes(42).toString('base64url')}.`,
    uti: randomBytes(16).toString('base64url'),
  };
}

function defined(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
