import { createLocalJWKSet, errors, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';
import { KeyNotFound, KeySource, KeysUnavailable } from './key-source';

export interface RemoteKeySetOptions {
  /** The issuer's discovery document (`.../.well-known/openid-configuration`). */
  readonly discoveryUrl: string;
  /** The `issuer` the discovery document must declare. */
  readonly issuer: string;
  /** An unknown `kid` triggers at most one refresh per this interval. */
  readonly refreshCooldownMs: number;
  /** Older key sets are refreshed in the background; a failed refresh keeps them. */
  readonly maxAgeMs: number;
  readonly fetchTimeoutMs?: number;
  readonly now?: () => number;
}

/**
 * An issuer's JWKS, found through OIDC discovery and kept in memory. Unlike jose's
 * `createRemoteJWKSet`, a failed refresh never discards the last good key set: tokens keep
 * verifying while the identity provider is unreachable. Refreshes are single-flight and an
 * unknown `kid` can trigger one at most once per cooldown, so a flood of forged `kid`s cannot
 * turn into a flood of requests to the issuer.
 */
export class RemoteKeySet implements KeySource {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: RemoteKeySetOptions) {
    this.now = options.now ?? Date.now;
  }

  get ageMs(): number {
    return this.keys ? this.now() - this.fetchedAt : Number.POSITIVE_INFINITY;
  }

  async keyFor(header: JWSHeaderParameters): Promise<KeyLike | Uint8Array> {
    if (!this.keys) await this.refresh();
    else if (this.ageMs > this.options.maxAgeMs) void this.refresh().catch(() => undefined);
    if (!this.keys) throw new KeysUnavailable(`keys of ${this.options.issuer} are unavailable`);
    try {
      return await this.keys(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.now() - this.lastAttemptAt < this.options.refreshCooldownMs) throw new KeyNotFound('unknown key');
      await this.refresh().catch(() => undefined);
      return this.keys(header).catch(() => {
        throw new KeyNotFound('unknown key');
      });
    }
  }

  /** Fetches discovery and JWKS once, shared by concurrent callers. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttemptAt = this.now();
    try {
      const discovery = await this.getJson(this.options.discoveryUrl);
      if (discovery.issuer !== this.options.issuer || typeof discovery.jwks_uri !== 'string') {
        throw new Error(`discovery at ${this.options.discoveryUrl} does not describe ${this.options.issuer}`);
      }
      const jwks = (await this.getJson(discovery.jwks_uri)) as unknown as JSONWebKeySet;
      if (!Array.isArray(jwks.keys)) throw new Error(`${discovery.jwks_uri} is not a JWKS`);
      this.keys = createLocalJWKSet(jwks);
      this.fetchedAt = this.now();
    } catch (error) {
      if (!this.keys) throw new KeysUnavailable(`keys of ${this.options.issuer} are unavailable`, { cause: error });
      // Keep serving the last good set; the next refresh will try again.
    }
  }

  private async getJson(url: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5_000),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }
}
