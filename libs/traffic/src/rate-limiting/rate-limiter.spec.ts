import { type Principal, principalTag } from '@flowgate/auth';
import type { FlowgateConfig } from '@flowgate/core';
import type { RateLimitPolicy } from '../traffic.config';
import type { RateLimitMetrics } from './rate-limit-metrics';
import type { RateLimitStorage } from './rate-limit-storage';
import { RateLimiter } from './rate-limiter';

/** Fixed-window counts per key, in memory: enough to see which requests share a budget. */
class CountingStorage {
  readonly hits = new Map<string, number>();

  async tally(key: string, _ttlMs: number, limit: number) {
    const totalHits = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, totalHits);
    const isBlocked = totalHits > limit;
    return { totalHits, timeToExpire: 60, isBlocked, timeToBlockExpire: isBlocked ? 60 : 0 };
  }
}

const ONE_PER_MINUTE: RateLimitPolicy = { name: 'principal', limit: 1, windowSeconds: 60 };

type Caller = Pick<Principal, 'userId' | 'tenantId' | 'objectId'>;

describe('RateLimiter trackers', () => {
  let storage: CountingStorage;
  let limiter: RateLimiter;

  beforeEach(() => {
    storage = new CountingStorage();
    limiter = new RateLimiter(storage as unknown as RateLimitStorage, {} as FlowgateConfig, {} as RateLimitMetrics);
  });

  const blocked = async (client: { user?: Caller; ip?: string }) =>
    (await limiter.count('principal', client, ONE_PER_MINUTE)).exceededForSeconds !== undefined;

  it('counts two users apart even when "source:subject" of both reads the same', async () => {
    // https://idp + "a:b" and https://idp:a + "b": one string when joined with ':'.
    const first: Caller = { userId: '5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e', tenantId: 'https://idp', objectId: 'a:b' };
    const second: Caller = { userId: '9a1d7c3e-2b4f-4e6a-8c5d-1e2f3a4b5c6d', tenantId: 'https://idp:a', objectId: 'b' };

    expect(await blocked({ user: first, ip: '10.0.0.1' })).toBe(false);
    expect(await blocked({ user: second, ip: '10.0.0.1' })).toBe(false);
    expect(storage.hits.size).toBe(2);
  });

  it('counts one user as one, wherever they connect from', async () => {
    const user: Caller = { userId: '5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e', tenantId: 't', objectId: 'o' };

    expect(await blocked({ user, ip: '10.0.0.1' })).toBe(false);
    expect(await blocked({ user, ip: '10.0.0.2' })).toBe(true);
  });

  it('counts anonymous clients by IP, apart from any user', async () => {
    expect(await blocked({ ip: '10.0.0.1' })).toBe(false);
    expect(await blocked({ ip: '10.0.0.2' })).toBe(false);
    expect(await blocked({ ip: '10.0.0.1' })).toBe(true);
    expect(await blocked({ user: { userId: '10.0.0.1', tenantId: 't', objectId: 'o' }, ip: '10.0.0.1' })).toBe(false);
  });

  it('never puts the tracker itself in the key; a caller’s key carries their hash tag (ADR 28)', async () => {
    await limiter.count('principal', { user: { userId: 'u-1', tenantId: 't', objectId: 'o' } }, ONE_PER_MINUTE);
    await limiter.count('principal', { ip: '10.0.0.9' }, ONE_PER_MINUTE);
    const [caller, client] = storage.hits.keys();
    expect(caller).toBe(`rate-limit:principal:${principalTag('t', 'o')}`);
    expect(caller).toMatch(/^rate-limit:principal:\{[A-Za-z0-9_-]{43}\}$/);
    expect(client).toMatch(/^rate-limit:principal:[A-Za-z0-9_-]{43}$/);
  });
});
