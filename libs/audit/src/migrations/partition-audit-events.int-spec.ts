import { randomUUID } from 'node:crypto';
import type { FlowgateConfig } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase, sealAuditNow, transactionRunnerOn } from '@flowgate/testing';
import { AnchorKeyRing } from '../anchors/anchor-key-ring';
import { AuditAnchorsRepository } from '../anchors/audit-anchors.repository';
import { AuditAnchorsService } from '../anchors/audit-anchors.service';
import { AuditQueryService } from '../audit-query.service';
import { AuditRepository } from '../audit.repository';
import { GENESIS_HASH, linkHash } from '../hash-chain/audit-link';
import type { AuditArchivesRepository } from '../retention/audit-archives.repository';
import { CreateAuditEvents1795817000000 } from './1795817000000-CreateAuditEvents';
import { PartitionAuditEventsSealedByTheWorker1795825100000 } from './1795825100000-PartitionAuditEventsSealedByTheWorker';
import { AddAuditEventTraceIds1795825500000 } from './1795825500000-AddAuditEventTraceIds';

/**
 * The conversion of an existing audit log: a chain written the old way (by the writers, under the
 * head lock) is copied into the partitioned table as it was, verifies there, and new events are
 * sealed after it.
 */
describe('PartitionAuditEventsSealedByTheWorker on an existing audit log', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_migration_spec', [CreateAuditEvents1795817000000]);
  });

  afterAll(() => scratch?.drop());

  it('copies every event sealed as it was, into partitions by month, and the chain verifies', async () => {
    const db = scratch.dataSource;
    let prevHash = GENESIS_HASH;
    const months = ['2025-11-30T23:59:59.999Z', '2025-12-01T00:00:00.000Z', '2026-02-15T12:00:00.000Z'];
    for (const [index, occurredAt] of months.entries()) {
      const seq = index + 1;
      const body = {
        id: randomUUID(),
        occurredAt,
        actor: { type: 'system', tenantId: null, objectId: null, displayName: null },
        action: 'old.event',
        resource: { type: 'thing', id: String(seq) },
        outcome: 'succeeded',
        before: null,
        after: { seq },
        requestId: null,
        clientIp: null,
        userAgent: null,
      };
      const hash = linkHash(seq, prevHash, body);
      await db.query(
        `INSERT INTO audit_events (seq, id, occurred_at, actor_type, action, resource_type, resource_id, outcome, after, prev_hash, hash)
         VALUES ($1, $2, $3, 'system', 'old.event', 'thing', $4, 'succeeded', $5, $6, $7)`,
        [seq, body.id, occurredAt, String(seq), JSON.stringify(body.after), prevHash, hash],
      );
      await db.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [seq, hash]);
      prevHash = hash;
    }

    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      await new PartitionAuditEventsSealedByTheWorker1795825100000().up(runner);
      // The repository below reads today's columns; the old chain must still verify with them.
      await new AddAuditEventTraceIds1795825500000().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }

    const rows = await db.query<{ pos: string; seq: string; partition: string; sealed: boolean }[]>(
      `SELECT pos, seq, tableoid::regclass::text AS partition, sealed_at IS NOT NULL AS sealed FROM audit_events ORDER BY pos`,
    );
    expect(rows).toEqual([
      { pos: '1', seq: '1', partition: 'audit_events_y2025m11', sealed: true },
      { pos: '2', seq: '2', partition: 'audit_events_y2025m12', sealed: true },
      { pos: '3', seq: '3', partition: 'audit_events_y2026m02', sealed: true },
    ]);
    const transactions = transactionRunnerOn(db);
    const repository = new AuditRepository(transactions);
    // Verification reads no anchors and no archives (this database stops before their migrations); the service is
    // wired as in the app, but for the archives, of which there are none.
    const anchors = new AuditAnchorsRepository(transactions);
    const query = new AuditQueryService(
      repository,
      new AuditAnchorsService(anchors, new AnchorKeyRing(scratch.config as FlowgateConfig, anchors), {
        reader: () => transactions,
      }),
      { newest: () => Promise.resolve(undefined) } as unknown as AuditArchivesRepository,
      { reader: () => transactions },
    );
    expect(await query.verify({})).toMatchObject({ valid: true, checked: 3, lastSeq: 3, unsealed: 0 });

    // New events: inserted after the copied ones (with a trace id, as today's writers may), sealed onto the old chain's end.
    await db.query(
      `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, outcome, trace_id)
       VALUES ($1, now(), 'system', 'new.event', 'thing', 'succeeded', '4bf92f3577b34da6a3ce929d0e0e4736')`,
      [randomUUID()],
    );
    await sealAuditNow(db);
    const [latest] = await repository.list({ limit: 1 });
    expect(latest).toMatchObject({ pos: 4, seq: 4, prevHash, body: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' } });
    expect(await query.verify({})).toMatchObject({ valid: true, checked: 4, unsealed: 0 });
    // The current month and three ahead exist, so new events do not land in the default partition.
    const [{ ahead }] = await db.query<{ ahead: number }[]>(
      `SELECT count(*)::int AS ahead FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_events'::regclass AND c.relname >= to_char(now() AT TIME ZONE 'UTC', '"audit_events_y"YYYY"m"MM')
         AND c.relname <> 'audit_events_default'`,
    );
    expect(ahead).toBe(4);
    expect(await db.query(`SELECT audit_events_ensure_partitions(3) AS created`)).toEqual([{ created: 0 }]);
  });

  it('AddAuditEventTraceIds goes down and up again: the column and its index on every partition', async () => {
    const db = scratch.dataSource;
    const shape = async () => ({
      column: (await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'trace_id'`)).length, // prettier-ignore
      indexedPartitions: Number((await db.query(`SELECT count(*) AS n FROM pg_indexes WHERE indexname LIKE 'audit_events%trace_id_pos_idx'`))[0].n), // prettier-ignore
      partitions: Number((await db.query(`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'audit_events'::regclass`))[0].n), // prettier-ignore
      sealerGuard: (await db.query(`SELECT prosrc LIKE '%audit_seal_covers_trace_id%' AS guard FROM pg_proc WHERE proname = 'audit_events_seal_only'`))[0].guard, // prettier-ignore
    });
    const migrate = async (direction: 'up' | 'down') => {
      const runner = db.createQueryRunner();
      try {
        await runner.startTransaction();
        await new AddAuditEventTraceIds1795825500000()[direction](runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
    };
    const before = await shape();
    expect(before).toMatchObject({ column: 1, indexedPartitions: before.partitions, sealerGuard: true });
    await migrate('down');
    expect(await shape()).toMatchObject({ column: 0, indexedPartitions: 0, sealerGuard: false });
    await migrate('up');
    expect(await shape()).toEqual(before);
  });
});
