import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { auditSealerOn } from '@flowgate/audit';
import { transactionRunnerOn } from './run-database';

/**
 * Seals the audit events committed before the call, as the worker's sealer would within a second
 * or so, for tests that read chain fields or verify right after writing. Seals, then checks that
 * no event inserted up to the call is left unsealed; only when one is (a transaction still open
 * holds the sealer's watermark back) does it poll again, briefly, up to `timeoutMs`.
 */
export async function sealAuditNow(dataSource: DataSource, timeoutMs = 10_000): Promise<void> {
  const sealer = auditSealerOn(transactionRunnerOn(dataSource), { audit: { sealBatchSize: 1_000 } });
  const [{ upTo }] = await dataSource.query<{ upTo: string }[]>(
    'SELECT coalesce(max(pos), 0) AS "upTo" FROM audit_events',
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sealer.sealAllFinal();
    const [{ left }] = await dataSource.query<{ left: number }[]>(
      'SELECT count(*)::int AS "left" FROM audit_events WHERE seq IS NULL AND pos <= $1',
      [upTo],
    );
    if (left === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${left} audit events are still unsealed after ${timeoutMs} ms: a transaction holds the watermark`,
      );
    }
    await sleep(20);
  }
}
