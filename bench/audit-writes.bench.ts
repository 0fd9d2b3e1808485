import { AuditService } from '@flowgate/audit';
import { TransactionRunner } from '@flowgate/core';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';

/**
 * Audited writes per second: transactions that each record one event, with 1 writer (baseline)
 * and with 16 concurrent writers. Writers insert unsealed events and take no shared lock (the
 * worker's sealer chains them later; this app runs none), so 16 writers should scale with the
 * pool and the server's cores, not queue behind one chain head as they did before ADR 0018.
 */
describe('Audited writes', () => {
  const settings = benchSettings();
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { DATABASE_POOL_SIZE: '20' } });
  });

  afterAll(() => testApp?.close());

  it(
    '1 vs 16 concurrent writers',
    async () => {
      const audit = testApp.app.get(AuditService);
      const transactions = testApp.app.get(TransactionRunner);
      const event = (n: number) => ({
        actor: { type: 'system' as const },
        action: 'bench.wrote',
        resource: { type: 'bench', id: String(n) },
        outcome: 'succeeded' as const,
        after: { n },
      });
      const run = async (writers: number, seconds: number): Promise<number> => {
        let written = 0;
        const deadline = performance.now() + seconds * 1000;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: writers }, async () => {
            while (performance.now() < deadline) {
              await transactions.run((manager) => audit.record(event(written), manager));
              written += 1;
            }
          }),
        );
        return written / ((performance.now() - started) / 1000);
      };
      await run(4, settings.warmupSeconds);
      const results: Record<number, number[]> = { 1: [], 16: [] };
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const writers of round % 2 === 0 ? [1, 16] : [16, 1])
          results[writers].push(await run(writers, settings.seconds));
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const one = median(results[1]);
      const sixteen = median(results[16]);
      process.stdout.write(
        `\nAudited writes (one event per transaction), median of ${settings.rounds} interleaved rounds\n` +
          `  1 writer (baseline): ${Math.round(one)} events/s  x1.00\n` +
          `  16 writers:          ${Math.round(sixteen)} events/s  x${(sixteen / one).toFixed(2)}\n`,
      );
      expect(one).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 2),
  );
});
