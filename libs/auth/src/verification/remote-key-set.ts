import { createLocalJWKSet, errors, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';
import { KeyNotFound, KeySource, KeysUnavailable } from './key-source';

export interface RemoteKeySetOptions {
  /** The issuer's discovery document (`.../.well-known/openid-configuration`). */
  readonly discoveryUrl: string;
  /** The `issuer` the discovery document must declare. */
  readonly issuer: string;
  /** At most one fetch (discovery, then JWKS) starts per this interval, whatever asks for it. */
  readonly refreshCooldownMs: number;
  /** Older key sets are refreshed in the background; a failed refresh keeps them. */
  readonly maxAgeMs: number;
  readonly fetchTimeoutMs?: number;
  /** Told about every failed fetch (at most one per cooldown), e.g. to log it. */
  readonly onFetchFailed?: (error: unknown) => void;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/**
 * An issuer's JWKS, found through OIDC discovery and kept in memory. Unlike jose's
 * `createRemoteJWKSet`, a failed refresh never discards the last good key set: tokens keep
 * verifying while the identity provider is unreachable.
 *
 * Every fetch, whatever triggers it (the first token, an unknown `kid`, a key set past its max
 * age) and however it ends, is single-flight and starts at most once per cooldown: concurrent
 * callers share the one in flight, and callers within the cooldown get the keys already held (or,
 * with none, `KeysUnavailable`) without a request. So neither a flood of forged `kid`s nor a flood
 * of tokens while the issuer is down turns into a flood of requests to the issuer.
 */
export class RemoteKeySet implements KeySource {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private kids: ReadonlySet<string> = new Set();
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastFailure: unknown;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: RemoteKeySetOptions) {
    this.now = options.now ?? Date.now;
  }

  get ageMs(): number {
    return this.keys ? this.now() - this.fetchedAt : Number.POSITIVE_INFINITY;
  }

  hasKey(kid: string): boolean {
    return this.kids.has(kid);
  }

  async keyFor(header: JWSHeaderParameters): Promise<KeyLike | Uint8Array> {
    if (!this.keys) await this.refreshIfDue();
    else if (this.ageMs > this.options.maxAgeMs) void this.refreshIfDue();
    const keys = this.keys;
    if (!keys) throw this.unavailable();
    try {
      return await keys(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw keyNotFoundFor(error);
      await this.refreshIfDue();
      return this.keys!(header).catch((retryError: unknown) => {
        throw keyNotFoundFor(retryError);
      });
    }
  }

  /**
   * Joins the fetch in flight, or starts one unless the last one started within the cooldown.
   * Never rejects: a failure keeps the last good set (and is remembered as the reason keys are
   * unavailable, when there is none).
   */
  private refreshIfDue(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.lastAttemptAt < this.options.refreshCooldownMs) return Promise.resolve();
    this.lastAttemptAt = this.now();
    this.inFlight = this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const discovery = await this.getJson(this.options.discoveryUrl);
      if (discovery.issuer !== this.options.issuer || typeof discovery.jwks_uri !== 'string') {
        throw new Error(`discovery at ${this.options.discoveryUrl} does not describe ${this.options.issuer}`);
      }
      const jwks = (await this.getJson(discovery.jwks_uri)) as unknown as JSONWebKeySet;
      if (!Array.isArray(jwks.keys)) throw new Error(`${discovery.jwks_uri} is not a JWKS`);
      this.keys = createLocalJWKSet(jwks);
      this.kids = new Set(jwks.keys.flatMap((key) => (typeof key.kid === 'string' ? [key.kid] : [])));
      this.fetchedAt = this.now();
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = error;
      this.options.onFetchFailed?.(error);
    }
  }

  private unavailable(): KeysUnavailable {
    const waitMs = this.lastAttemptAt + this.options.refreshCooldownMs - this.now();
    return new KeysUnavailable(`keys of ${this.options.issuer} are unavailable`, {
      cause: this.lastFailure,
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  }

  private async getJson(url: string): Promise<Record<string, unknown>> {
    const response = await (this.options.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5_000),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }
}

/**
 * jose's other refusals (several keys match a header without `kid`, a key of the wrong type) are
 * about the token, not the issuer: the token is simply not verifiable, a 401 rather than a 500.
 */
function keyNotFoundFor(error: unknown): KeyNotFound {
  return new KeyNotFound('no single matching key', { cause: error });
}
