import { randomUUID } from 'node:crypto';
import { AtomicCounters, Cache, CallerRoundTrip, DistributedLock, hashTag, type LockLease } from '@flowgate/core';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { median } from './support/measure';

/**
 * What ADR 28 saves on Redis alone, on the run's real Redis: one caller's work before a keyed
 * write's response — the principal read (two keys), the rate-limit counter, the in-flight marker
 * — as the three sequential calls it used to be (the baseline) and as the one script, then the
 * marker released (after the response in the app, here after the measured part). Interleaved
 * rounds, each with `BENCH_CONNECTIONS` callers in parallel; latency is the measured part only.
 */
describe('Caller round trip (Redis)', () => {
  const settings = benchSettings();
  let testApp: TestApp;

  // The app's own Redis-backed providers, through its connection and circuit breaker.
  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp?.close());

  it(
    'three sequential calls vs one script',
    async () => {
      const cache = testApp.app.get(Cache);
      const counters = testApp.app.get(AtomicCounters);
      const locks = testApp.app.get(DistributedLock);
      const roundTrip = testApp.app.get(CallerRoundTrip);
      const callers = Array.from({ length: settings.connections }, () => hashTag(`bench-caller-${randomUUID()}`));
      await Promise.all(
        callers.map((tag) => cache.set(`principal:${tag}`, { userId: tag, roles: ['viewer'] }, 600_000)),
      );
      const huge = 1e12;

      const variants: { name: string; once: (tag: string) => Promise<LockLease | undefined> }[] = [
        {
          name: 'three sequential calls (before)',
          once: async (tag) => {
            await cache.getMany([`principal-generation:${tag}`, `principal:${tag}`]);
            await counters.increment(`rate-limit:principal:${tag}`, 1, 60_000);
            return locks.tryAcquire(`idempotency:${tag}:${randomUUID()}`, 5_000);
          },
        },
        {
          name: 'one script (ADR 28)',
          once: async (tag) => {
            const reply = await roundTrip.send({
              tag,
              reads: [`principal-generation:${tag}`, `principal:${tag}`],
              counters: [{ key: `rate-limit:principal:${tag}`, ttlMs: 60_000, limit: huge }],
              lease: { name: `idempotency:${tag}:${randomUUID()}`, ttlMs: 5_000 },
            });
            return typeof reply.lease === 'object' ? reply.lease : undefined;
          },
        },
      ];

      /** Each caller loops for `seconds`: operations per second and every operation's latency. */
      const run = async (once: (tag: string) => Promise<LockLease | undefined>, seconds: number) => {
        const latencies: number[] = [];
        const until = performance.now() + seconds * 1000;
        await Promise.all(
          callers.map(async (tag) => {
            while (performance.now() < until) {
              const started = performance.now();
              const lease = await once(tag);
              latencies.push(performance.now() - started);
              await lease?.release();
            }
          }),
        );
        return { perSecond: latencies.length / seconds, p50: median(latencies) };
      };

      for (const variant of variants) await run(variant.once, settings.warmupSeconds);
      const results = variants.map(() => ({ perSecond: [] as number[], p50: [] as number[] }));
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const [index, variant] of variants.entries()) {
          const { perSecond, p50 } = await run(variant.once, settings.seconds);
          results[index].perSecond.push(perSecond);
          results[index].p50.push(p50);
        }
      }
      const [base, ...rest] = results.map((result) => ({
        perSecond: median(result.perSecond),
        p50: median(result.p50),
      }));
      const lines = [base, ...rest].map(
        (result, index) =>
          `  ${variants[index].name.padEnd(34)} ${Math.round(result.perSecond)
            .toString()
            .padStart(7)} callers' work/s  x${(result.perSecond / base.perSecond).toFixed(2)}   ` +
          `p50 ${result.p50.toFixed(2)} ms  x${(result.p50 / base.p50).toFixed(2)}`,
      );
      process.stdout.write(
        `\nCaller round trip, ${settings.connections} callers in parallel, medians of ${settings.rounds} interleaved ` +
          `${settings.seconds} s rounds (x = / baseline)\n${lines.join('\n')}\n`,
      );
      expect(base.perSecond).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 2),
  );
});
