import { exportJWK, generateKeyPair, JWK } from 'jose';
import { KeyNotFound, KeysUnavailable } from './key-source';
import { RemoteKeySet } from './remote-key-set';

const ISSUER = 'https://idp.example.com';
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const JWKS_URI = `${ISSUER}/keys`;
const COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 3_600_000;

/**
 * An issuer behind a fake `fetch`: it counts what it is asked for and can be down. Responses can
 * be held back (`hold()`), so a test can pile up callers while one fetch is in flight.
 */
class FakeIssuer {
  readonly requests = { discovery: 0, jwks: 0 };
  online = true;
  keys: JWK[] = [];
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  readonly fetch = (async (url: string) => {
    if (url === DISCOVERY) this.requests.discovery += 1;
    else if (url === JWKS_URI) this.requests.jwks += 1;
    await this.held;
    if (!this.online) return new Response('{"error":"temporarily_unavailable"}', { status: 503 });
    const body = url === DISCOVERY ? { issuer: ISSUER, jwks_uri: JWKS_URI } : { keys: this.keys };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;

  hold(): void {
    this.held = new Promise<void>((resolve) => (this.release = resolve));
  }

  letGo(): void {
    this.held = undefined;
    this.release?.();
  }
}

async function publicJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('RS256');
  return { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
}

describe('RemoteKeySet: at most one fetch per cooldown, whatever asks for it', () => {
  let issuer: FakeIssuer;
  let now: number;
  let failures: unknown[];
  let keySet: RemoteKeySet;
  let k1: JWK;
  let k2: JWK;

  beforeAll(async () => {
    [k1, k2] = await Promise.all([publicJwk('k1'), publicJwk('k2')]);
  });

  beforeEach(() => {
    issuer = new FakeIssuer();
    issuer.keys = [k1];
    now = 1_000_000;
    failures = [];
    keySet = new RemoteKeySet({
      discoveryUrl: DISCOVERY,
      issuer: ISSUER,
      refreshCooldownMs: COOLDOWN_MS,
      maxAgeMs: MAX_AGE_MS,
      fetch: issuer.fetch,
      now: () => now,
      onFetchFailed: (error) => failures.push(error),
    });
  });

  const settle = (count: number, kid = 'k1') =>
    Promise.allSettled(Array.from({ length: count }, () => keySet.keyFor({ alg: 'RS256', kid })));

  function expectAllRejected(results: PromiseSettledResult<unknown>[], type: new (...args: never[]) => Error): void {
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(type);
    }
  }

  describe('an issuer down before any key was fetched', () => {
    beforeEach(() => {
      issuer.online = false;
    });

    it('20 concurrent callers share one fetch and all get KeysUnavailable', async () => {
      expectAllRejected(await settle(20), KeysUnavailable);
      expect(issuer.requests).toEqual({ discovery: 1, jwks: 0 });
      expect(failures).toHaveLength(1);
    });

    it('20 sequential callers within the cooldown cause no further fetch', async () => {
      for (let i = 0; i < 20; i++) {
        expectAllRejected(await settle(1), KeysUnavailable);
        now += 1_000;
      }
      expect(issuer.requests).toEqual({ discovery: 1, jwks: 0 });
    });

    it('says when the next fetch may be tried, and keeps the failure as the cause', async () => {
      await settle(1);
      now += 12_300;
      const [result] = await settle(1);
      const reason = (result as PromiseRejectedResult).reason as KeysUnavailable;
      expect(reason.retryAfterSeconds).toBe(18);
      expect(String((reason.cause as Error).message)).toContain('answered 503');
    });

    it('tries again once per cooldown, and recovers when the issuer is back', async () => {
      await settle(5);
      now += COOLDOWN_MS - 1;
      await settle(5);
      expect(issuer.requests.discovery).toBe(1);

      now += 1;
      await settle(5);
      expect(issuer.requests.discovery).toBe(2);

      issuer.online = true;
      now += COOLDOWN_MS;
      const results = await settle(5);
      expect(results.map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));
      expect(issuer.requests).toEqual({ discovery: 3, jwks: 1 });
    });

    it('with no cooldown, still one fetch for concurrent callers', async () => {
      keySet = new RemoteKeySet({
        discoveryUrl: DISCOVERY,
        issuer: ISSUER,
        refreshCooldownMs: 0,
        maxAgeMs: MAX_AGE_MS,
        fetch: issuer.fetch,
        now: () => now,
      });
      expectAllRejected(await settle(20), KeysUnavailable);
      expect(issuer.requests.discovery).toBe(1);
    });
  });

  it('callers arriving while a fetch is in flight wait for it, then use its keys', async () => {
    issuer.hold();
    const waiting = settle(20);
    await new Promise((resolve) => setImmediate(resolve));
    issuer.letGo();
    const results = await waiting;
    expect(results.map((result) => result.status)).toEqual(Array(20).fill('fulfilled'));
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
  });

  describe('with keys held', () => {
    beforeEach(async () => {
      await keySet.keyFor({ alg: 'RS256', kid: 'k1' });
      issuer.requests.discovery = 0;
      issuer.requests.jwks = 0;
    });

    it('an unknown kid within the cooldown is KeyNotFound without a fetch', async () => {
      expectAllRejected(await settle(20, 'k9'), KeyNotFound);
      expect(issuer.requests).toEqual({ discovery: 0, jwks: 0 });
    });

    it('unknown kids after the cooldown cause one fetch, which picks up a rotated key', async () => {
      issuer.keys = [k2];
      now += COOLDOWN_MS;
      const results = await settle(20, 'k2');
      expect(results.map((result) => result.status)).toEqual(Array(20).fill('fulfilled'));
      expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
      expect([keySet.hasKey('k1'), keySet.hasKey('k2')]).toEqual([false, true]);
    });

    it('a key set past its max age is refreshed in the background once per cooldown while the issuer is down', async () => {
      issuer.online = false;
      now += MAX_AGE_MS + 1;
      for (let i = 0; i < 20; i++) {
        expect((await settle(1))[0].status).toBe('fulfilled');
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(issuer.requests.discovery).toBe(1);

      now += COOLDOWN_MS;
      await settle(10);
      await new Promise((resolve) => setImmediate(resolve));
      expect(issuer.requests.discovery).toBe(2);
      // The last good set survives every failure.
      expect(keySet.hasKey('k1')).toBe(true);
      expect(keySet.ageMs).toBe(MAX_AGE_MS + 1 + COOLDOWN_MS);
    });

    it('a header without kid that matches several keys is KeyNotFound, not an unexpected error', async () => {
      issuer.keys = [k1, k2];
      now += COOLDOWN_MS;
      await settle(1, 'k2');
      await expect(keySet.keyFor({ alg: 'RS256' })).rejects.toBeInstanceOf(KeyNotFound);
    });
  });

  it('hasKey answers from the last good key set: false before one arrives, never a fetch', async () => {
    expect(keySet.hasKey('k1')).toBe(false);
    expect(issuer.requests).toEqual({ discovery: 0, jwks: 0 });
    await keySet.keyFor({ alg: 'RS256', kid: 'k1' });
    expect([keySet.hasKey('k1'), keySet.hasKey('k2')]).toEqual([true, false]);
  });
});
