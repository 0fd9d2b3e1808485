import { DevIdentityProvider, TokenVerifier } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleave } from './support/measure';

/**
 * What the verified-token cache saves a client that sends the same token on every request: the
 * same authenticated route on two apps, one with the cache off (AUTH_TOKEN_CACHE_SIZE=0: an RS256
 * verification per request) as the baseline, one with it on. Everything else is identical,
 * including the per-request directory lookup (Redis) and the revocation check.
 */
describe('Verified-token cache', () => {
  const settings = benchSettings();
  let cacheOff: TestApp;
  let cacheOn: TestApp;
  let token: string;

  beforeAll(async () => {
    cacheOff = await createTestApp({ env: { AUTH_TOKEN_CACHE_SIZE: '0' } });
    cacheOn = await createTestApp({ env: { AUTH_TOKEN_CACHE_SIZE: '10000' } });
    // Both apps share the run's signing key (AUTH_DEV_KEY_DIR), so one token serves both.
    token = await cacheOn.app.get(DevIdentityProvider).mint({ user: 'bench-user', roles: ['viewer'] });
  });

  afterAll(async () => {
    await cacheOff?.close();
    await cacheOn?.close();
  });

  it(
    'GET /v1/me with the same token: cache off vs on',
    async () => {
      const headers = { Authorization: `Bearer ${token}` };
      const results = await interleave(
        [
          { name: 'GET /v1/me, token cache off', url: `${cacheOff.url}/v1/me`, headers },
          { name: 'GET /v1/me, token cache on', url: `${cacheOn.url}/v1/me`, headers },
        ],
        settings,
        {
          afterRun: () => {
            cacheOff.logs.lines.splice(0);
            cacheOn.logs.lines.splice(0);
          },
        },
      );
      const [off, on] = results;
      compare(off, [on], 'Verified-token cache');
      for (const result of results) {
        expect(result.errors).toBe(0);
        expect(Object.keys(result.statusCodes)).toEqual(['200']);
      }
    },
    suiteTimeoutMs(settings, 2),
  );

  it(
    'TokenVerifier.verify alone: cache off vs on',
    async () => {
      // The HTTP numbers above include everything else a request does; this isolates what the
      // cache replaces (jose parsing + RS256 signature check vs a SHA-256 and a map lookup).
      const verifiers = [cacheOff.app.get(TokenVerifier), cacheOn.app.get(TokenVerifier)];
      const iterations = 5_000;
      const perSecond: number[][] = [[], []];
      for (let round = 0; round < settings.rounds + 1; round += 1) {
        for (const [index, verifier] of verifiers.entries()) {
          const started = performance.now();
          for (let i = 0; i < iterations; i += 1) await verifier.verify(token);
          if (round > 0) perSecond[index].push(iterations / ((performance.now() - started) / 1000));
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const [off, on] = perSecond.map(median) as [number, number];
      process.stdout.write(
        `\nTokenVerifier.verify, same token, median of ${settings.rounds} interleaved rounds of ${iterations}\n` +
          `  cache off (baseline): ${Math.round(off)} verifications/s  x1.00\n` +
          `  cache on:             ${Math.round(on)} verifications/s  x${(on / off).toFixed(2)}\n`,
      );
      expect(on).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 2),
  );
});
