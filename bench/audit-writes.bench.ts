import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AuditService, auditSealerOn } from '@flowgate/audit';
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

  it(
    'commit to seal under 16 writers, against the 2 s goal',
    async () => {
      const audit = testApp.app.get(AuditService);
      const transactions = testApp.app.get(TransactionRunner);
      const db = testApp.app.get(DataSource);
      // The sealer as the worker runs it: a batch at once after work, the idle interval otherwise.
      const sealer = auditSealerOn(transactions, testApp.config);
      // The first suite's events (no sealer ran there) are not this measurement's backlog.
      await sealer.sealAllFinal();
      let writing = true;
      const batchMs: number[] = [];
      const sealing = (async () => {
        while (writing) {
          const started = performance.now();
          const sealed = await sealer.sealBatch();
          if (sealed > 0) batchMs.push(performance.now() - started);
          else await sleep(testApp.config.audit.sealIntervalMs);
        }
      })();
      // What holds the watermark: the oldest transaction with an id, anywhere on this server
      // (other databases too), sampled while the writers run.
      let oldestXidHolderMs = 0;
      const sampling = (async () => {
        while (writing) {
          const [{ ms }] = await db.query<{ ms: number | null }[]>(
            `SELECT (extract(epoch FROM max(clock_timestamp() - xact_start)) * 1000)::float8 AS ms
             FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
          );
          oldestXidHolderMs = Math.max(oldestXidHolderMs, ms ?? 0);
          await sleep(100);
        }
      })();
      const [{ since }] = await db.query<{ since: string }[]>(
        'SELECT coalesce(max(pos), 0) AS since FROM audit_events',
      );
      const deadline = performance.now() + settings.seconds * 1000;
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          for (let n = 0; performance.now() < deadline; n += 1) {
            await transactions.run((manager) =>
              audit.record(
                { actor: { type: 'system' }, action: 'bench.sealed', resource: { type: 'bench', id: `${writer}-${n}` }, outcome: 'succeeded' }, // prettier-ignore
                manager,
              ),
            );
          }
        }),
      );
      // Let the sealer catch up with the last commits, then stop it.
      const unsealedLeft = async () =>
        (await db.query<unknown[]>(`SELECT 1 FROM audit_events WHERE seq IS NULL AND pos > $1 LIMIT 1`, [since]))
          .length > 0;
      while (await unsealedLeft()) await sleep(50);
      writing = false;
      await Promise.all([sealing, sampling]);
      const meanBatchMs = batchMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, batchMs.length);
      // occurred_at is taken just before the INSERT, so this slightly overstates commit → seal.
      const [row] = await db.query<{ events: number; p50: number; p99: number; max: number }[]>(
        `SELECT count(*)::int AS events,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) AS p99,
           max(extract(epoch FROM sealed_at - occurred_at))::float8 AS max
         FROM audit_events WHERE pos > $1 AND action = 'bench.sealed'`,
        [since],
      );
      process.stdout.write(
        `\nCommit to seal, ${row.events} events from 16 writers, sealer polling every ${testApp.config.audit.sealIntervalMs} ms\n` +
          `  goal (baseline): 2000 ms  x1.00\n` +
          `  p50: ${(row.p50 * 1000).toFixed(0)} ms  x${(row.p50 / 2).toFixed(2)}\n` +
          `  p99: ${(row.p99 * 1000).toFixed(0)} ms  x${(row.p99 / 2).toFixed(2)}\n` +
          `  max: ${(row.max * 1000).toFixed(0)} ms  x${(row.max / 2).toFixed(2)}\n` +
          `  sealing batches: ${batchMs.length}, mean ${meanBatchMs.toFixed(0)} ms; oldest xid holder on the server: ${oldestXidHolderMs.toFixed(0)} ms\n`,
      );
      expect(row.events).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 1),
  );
});
