import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { configLoader, currentTraceId, type FlowgateConfig, inSpan, Metrics, TransactionRunner } from '@flowgate/core';
import {
  createScratchDatabase,
  type ScratchDatabase,
  sealAuditNow,
  SQL_STATE,
  startInMemoryTracing,
  type UnitsOfWork,
  unitsOfWorkOn,
} from '@flowgate/testing';
import { readAuditConfig } from './audit.config';
import { AUDIT_MIGRATIONS } from './migrations';
import { AnchorKeyRing } from './anchors/anchor-key-ring';
import { AuditAnchorsRepository } from './anchors/audit-anchors.repository';
import { AuditAnchorsService } from './anchors/audit-anchors.service';
import { AuditQueryService } from './audit-query.service';
import { AuditArchivesRepository } from './retention/audit-archives.repository';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import type { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import { REDACTED } from './redact';
import { AuditMetrics } from './sealing/audit-metrics';
import { type AuditSealer, auditSealerOn } from './sealing/audit-sealer';

/**
 * Writers, the sealer and verification on PostgreSQL. Runs on a database of its own: the
 * tampering below would break every other test's chain, and the counts here are exact.
 */
describe('Audit log on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let units: UnitsOfWork;
  let audit: AuditService;
  let query: AuditQueryService;
  let transactions: TransactionRunner;
  let repository: AuditRepository;
  /** Small batches, so that sealing a few dozen events takes several transactions. */
  let sealer: AuditSealer;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_spec', AUDIT_MIGRATIONS);
    dataSource = scratch.dataSource;
    units = unitsOfWorkOn(dataSource);
    transactions = units.transactions;
    repository = new AuditRepository(transactions);
    const { audit: auditConfig } = configLoader({ audit: readAuditConfig }).load({
      AUDIT_REDACT_FIELDS: 'password,token',
      AUDIT_SEAL_BATCH_SIZE: '7',
    });
    const config = { ...scratch.config, audit: auditConfig } as FlowgateConfig;
    audit = new AuditService(repository, config);
    const anchors = new AuditAnchorsRepository(transactions);
    const anchorsService = new AuditAnchorsService(anchors, new AnchorKeyRing(config, anchors), {
      reader: () => transactions,
    });
    query = new AuditQueryService(repository, anchorsService, new AuditArchivesRepository(transactions), {
      reader: () => transactions,
    });
    sealer = auditSealerOn(transactions, { audit: auditConfig });
  });

  afterAll(async () => {
    await units?.rollbackOpenUnits();
    await scratch?.drop();
  });

  const event = (n: number) => ({
    actor: { type: 'user' as const, tenantId: 't', objectId: `o${n}`, displayName: `user ${n}` },
    action: 'test.happened',
    resource: { type: 'thing', id: String(n) },
    outcome: 'succeeded' as const,
    before: { n, password: 'hunter2' },
    after: { n: n + 1, nested: { token: 'abc' } },
  });

  const record = (n: number) => transactions.run((manager) => audit.record(event(n), manager));
  const count = async (where = 'true') =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM audit_events WHERE ${where}`))[0].n);
  const sealOf = async (resourceId: string) =>
    (
      await dataSource.query<{ seq: string | null }[]>(`SELECT seq FROM audit_events WHERE resource_id = $1`, [
        resourceId,
      ])
    ).map(({ seq }) => (seq === null ? null : Number(seq)));

  describe('writing', () => {
    it('records an event in one statement: no chain head read, nothing locked', async () => {
      const statements: string[] = [];
      await transactions.run(async (manager) => {
        const query = manager.query.bind(manager);
        const counting = new Proxy(manager, {
          get: (target, key): unknown =>
            key === 'query'
              ? (sql: string, parameters?: unknown[]) => (statements.push(sql), query(sql, parameters))
              : Reflect.get(target, key),
        });
        await audit.record(event(1), counting);
      });
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^INSERT INTO audit_events/);
      expect(await sealOf('1')).toEqual([null]);
    });

    it('lets two open transactions each record an event without waiting for the other', async () => {
      const first = await units.openUnit();
      const second = await units.openUnit();
      // Before, the second INSERT waited for the first transaction's chain-head lock: this hung.
      await audit.record(event(2), first.manager);
      await audit.record(event(3), second.manager);
      const [{ blockers }] = await dataSource.query('SELECT pg_blocking_pids($1) AS blockers', [second.pid]);
      expect(blockers).toEqual([]);
      await second.commit();
      await first.commit();
      expect(await count(`resource_id IN ('2', '3')`)).toBe(2);
    });

    it('redacts configured fields before storing (and hashing)', async () => {
      const [stored] = await dataSource.query(`SELECT before, after FROM audit_events WHERE resource_id = '1'`);
      expect(stored.before.password).toBe(REDACTED);
      expect(stored.after.nested.token).toBe(REDACTED);
      expect(JSON.stringify(stored)).not.toMatch(/hunter2|abc/);
    });

    it('writes nothing when the transaction that recorded the event rolls back', async () => {
      const before = await count();
      await expect(
        transactions.run(async (manager) => {
          await audit.record(event(999), manager);
          throw new Error('the change failed after its event was recorded');
        }),
      ).rejects.toThrow('the change failed');
      expect(await count()).toBe(before);
    });
  });

  describe('sealing', () => {
    it('seals every committed event into a contiguous chain that verifies, in batches', async () => {
      await Promise.all(
        Array.from({ length: 16 }, (_, writer) =>
          (async () => {
            for (let i = 0; i < 5; i += 1) await record(writer * 100 + i + 10);
          })(),
        ),
      );
      expect(await count('seq IS NULL')).toBe(83);
      expect(await query.verify({})).toMatchObject({ valid: true, checked: 0, unsealed: 83 });
      await sealAuditNow(dataSource);
      expect(await query.verify({})).toEqual({
        valid: true,
        checked: 83,
        firstSeq: 1,
        lastSeq: 83,
        unsealed: 0,
        oldestUnsealedMs: null,
      });
      // Idempotent: nothing is left to seal, and the head stays where it is.
      expect(await sealer.sealAllFinal()).toBe(0);
      expect(await repository.head()).toMatchObject({ seq: 83 });
    });

    it('never seals past a transaction still open, then seals its event first once it commits', async () => {
      const older = await units.openUnit();
      await audit.record(event(20_000), older.manager);
      await record(20_001);
      await record(20_002);
      await sealer.sealAllFinal();
      // The later events committed, but the older transaction could still commit before them.
      expect(await sealOf('20001')).toEqual([null]);
      expect(await sealOf('20002')).toEqual([null]);
      expect(await query.verify({})).toMatchObject({ valid: true, unsealed: 2 });
      await older.commit();
      await sealAuditNow(dataSource);
      const [a, b, c] = [...(await sealOf('20000')), ...(await sealOf('20001')), ...(await sealOf('20002'))];
      expect([b! - a!, c! - a!]).toEqual([1, 2]);
      expect(await query.verify({})).toMatchObject({ valid: true, unsealed: 0 });
    });

    it('never seals an event whose transaction rolled back, and leaves no gap for it', async () => {
      const doomed = await units.openUnit();
      await audit.record(event(30_000), doomed.manager);
      await record(30_001);
      await doomed.rollback();
      await sealAuditNow(dataSource);
      expect(await sealOf('30000')).toEqual([]);
      expect(await query.verify({})).toMatchObject({ valid: true, unsealed: 0 });
    });

    it('keeps the chain whole under writers, verifiers and two sealers at once (no seq twice)', async () => {
      let writing = true;
      const writers = Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          for (let i = 0; i < 15; i += 1) await record(40_000 + writer * 100 + i);
        }),
      ).finally(() => (writing = false));
      const secondSealer = auditSealerOn(transactions, { audit: { sealBatchSize: 3 } });
      const sealing = [sealer, secondSealer].map(async (one) => {
        while (writing) await one.sealBatch();
      });
      const verdicts = [];
      while (writing) verdicts.push(await query.verify({}));
      await Promise.all([writers, ...sealing]);
      await sealAuditNow(dataSource);
      expect(verdicts.every((verdict) => verdict.valid)).toBe(true);
      expect(await dataSource.query('SELECT seq FROM audit_events GROUP BY seq HAVING count(*) > 1')).toEqual([]);
      expect(await query.verify({})).toMatchObject({ valid: true, checked: await count(), unsealed: 0 });
    });
  });

  describe('the metrics', () => {
    it('report the unsealed backlog and its age from the database, at scrape time', async () => {
      // A registry each: a reading is reused for a second, and each scrape here must query.
      const scrape = async () => {
        const metrics = new Metrics();
        new AuditMetrics(metrics, repository);
        const text = await metrics.registry.metrics();
        const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)![1]);
        return { events: value('audit_unsealed_events'), seconds: value('audit_unsealed_seconds') };
      };
      await sealAuditNow(dataSource);
      expect(await scrape()).toEqual({ events: 0, seconds: 0 });
      await record(50_000);
      const backlog = await scrape();
      expect(backlog.events).toBe(1);
      expect(backlog.seconds).toBeGreaterThanOrEqual(0);
    });
  });

  describe('export', () => {
    it('emits sealed events in chain order, then unsealed ones with null chain fields', async () => {
      await sealAuditNow(dataSource);
      await record(60_000);
      const stream = await query.export({});
      const lines: { seq: number | null; prevHash: string | null; hash: string | null; resource: { id: string } }[] =
        [];
      for await (const chunk of stream) lines.push(JSON.parse(String(chunk)));
      const sealed = lines.filter((line) => line.seq !== null);
      expect(sealed.map((line) => line.seq)).toEqual(sealed.map((_, index) => index + 1));
      expect(lines.at(-1)).toMatchObject({ seq: null, prevHash: null, hash: null, resource: { id: '60000' } });
      expect(lines.indexOf(lines.at(-1)!)).toBe(sealed.length);
    });
  });

  describe('trace ids', () => {
    const tracing = { stop: async () => {} };
    beforeAll(() => Object.assign(tracing, startInMemoryTracing()));
    afterAll(() => tracing.stop());

    const traceIdOf = async (resourceId: string) =>
      (
        await dataSource.query<{ trace_id: string | null }[]>(
          `SELECT trace_id FROM audit_events WHERE resource_id = $1`,
          [resourceId],
        )
      ).map((row) => row.trace_id);

    it('records the trace id of the span in progress, and none outside a span', async () => {
      const traceId = await inSpan(
        'transition',
        async () => {
          await record(80_000);
          return currentTraceId();
        },
        { root: true },
      );
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      await record(80_001);
      expect(await traceIdOf('80000')).toEqual([traceId]);
      expect(await traceIdOf('80001')).toEqual([null]);
      const filter: ListAuditEventsQueryDto = { traceId, top: 50 };
      const { value } = await query.list(filter, 'http://localhost/v1/x');
      expect(value.map((listed) => [listed.resource.id, listed.traceId])).toEqual([['80000', traceId]]);
    });

    it('seals events with and without trace ids into a chain that verifies, online and offline', async () => {
      for (let n = 0; n < 6; n += 1) {
        if (n % 2 === 0) await inSpan('write', () => record(81_000 + n), { root: true });
        else await record(81_000 + n);
      }
      await sealAuditNow(dataSource);
      expect(await query.verify({})).toMatchObject({ valid: true, unsealed: 0 });

      const lines: string[] = [];
      for await (const chunk of await query.export({})) lines.push(String(chunk));
      const traced = lines.map((line) => JSON.parse(line) as { traceId?: string }).filter((line) => line.traceId);
      expect(traced.length).toBeGreaterThanOrEqual(4);
      const file = join(mkdtempSync(join(tmpdir(), 'audit-trace-ids-')), 'export.ndjson');
      writeFileSync(file, lines.join(''));
      const script = join(__dirname, '..', '..', '..', 'scripts', 'audit-verify.mjs');
      const run = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`).toMatch(/^VERIFIED/);
      expect(run.status).toBe(0);

      // And the hash covers the trace id: the same export with one trace id changed fails.
      writeFileSync(file, lines.join('').replace(traced[0].traceId!, 'f'.repeat(32)));
      expect(spawnSync(process.execPath, [script, file], { encoding: 'utf8' }).status).toBe(1);
    });
  });

  describe('the append-only trigger', () => {
    const refused = (sql: string) =>
      expect(dataSource.query(sql)).rejects.toMatchObject({ driverError: { code: SQL_STATE.insufficientPrivilege } });

    beforeAll(() => sealAuditNow(dataSource));

    it.each([
      ['a second sealing update', `UPDATE audit_events SET seq = seq + 1000, sealed_at = now() WHERE seq = 1`],
      ['an update to a sealed row', `UPDATE audit_events SET action = 'x' WHERE seq = 2`],
      ['an update of the body while sealing', `UPDATE audit_events SET seq = 9999, prev_hash = 'p', hash = 'h', sealed_at = now(), action = 'x' WHERE seq IS NULL`], // prettier-ignore
      ['an update of an unsealed body', `UPDATE audit_events SET after = '{}' WHERE seq IS NULL`],
      [
        'a trace id set on an unsealed event',
        `UPDATE audit_events SET trace_id = '${'a'.repeat(32)}' WHERE seq IS NULL`,
      ],
      ['a trace id changed on a sealed event', `UPDATE audit_events SET trace_id = '${'a'.repeat(32)}' WHERE seq = 2`],
      ['a trace id set while sealing', `UPDATE audit_events SET seq = 9999, prev_hash = 'p', hash = 'h', sealed_at = now(), trace_id = '${'a'.repeat(32)}' WHERE seq IS NULL`], // prettier-ignore
      ['a DELETE', `DELETE FROM audit_events WHERE seq = 3`],
      ['a TRUNCATE', `TRUNCATE audit_events`],
      ['a TRUNCATE of one partition', `TRUNCATE audit_events_default`],
      ['an INSERT that comes sealed', `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, outcome, seq, prev_hash, hash, sealed_at) VALUES (gen_random_uuid(), now(), 'system', 'x', 'x', 'succeeded', 1, 'p', 'h', now())`], // prettier-ignore
    ])('refuses %s, even for the table owner', async (_what, sql) => {
      await record(70_000); // something unsealed to aim at
      await refused(sql);
    });

    it('lets only a sealer whose hash covers trace ids seal an event that has one', async () => {
      const traceId = 'b'.repeat(32);
      await dataSource.query(
        `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, outcome, trace_id)
         VALUES (gen_random_uuid(), now(), 'system', 'x', 'x', 'succeeded', $1)`,
        [traceId],
      );
      // What a sealer of an earlier version sends: the chain fields only, without the marker.
      const sealAsEarlierVersions = `UPDATE audit_events SET seq = 99999, prev_hash = 'p', hash = 'h', sealed_at = now() WHERE trace_id = '${traceId}'`;
      await refused(sealAsEarlierVersions);
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query(`SELECT set_config('flowgate.audit_seal_covers_trace_id', 'on', true)`);
        await expect(runner.query(sealAsEarlierVersions)).resolves.toBeDefined();
      } finally {
        await runner.rollbackTransaction(); // a made-up link: never kept
        await runner.release();
      }
      await sealAuditNow(dataSource);
      const [row] = await dataSource.query<{ seq: string | null }[]>(
        `SELECT seq FROM audit_events WHERE trace_id = $1`,
        [traceId],
      );
      expect(row.seq).not.toBeNull();
      expect(await query.verify({})).toMatchObject({ valid: true });
    });

    it('stamps the writer’s own transaction id, whatever the INSERT says', async () => {
      const [row] = await transactions.run((manager) =>
        manager.query(
          `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, outcome, txid)
           VALUES (gen_random_uuid(), now(), 'system', 'x', 'x', 'succeeded', '1')
           RETURNING txid = pg_current_xact_id() AS own`,
        ),
      );
      expect(row.own).toBe(true);
    });
  });

  describe('tampering behind the application’s back (owner with triggers disabled)', () => {
    const tamper = async (...statements: string[]) => {
      await dataSource.transaction(async (manager) => {
        await manager.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        for (const sql of statements) await manager.query(sql);
        await manager.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      });
    };

    beforeAll(() => sealAuditNow(dataSource));

    // Each case breaks the chain at an earlier point than the one before, so each is the first break.
    it('detects a seq stored twice', async () => {
      await tamper(
        `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, outcome, seq, prev_hash, hash, sealed_at)
         SELECT gen_random_uuid(), occurred_at, actor_type, action, resource_type, outcome, seq, prev_hash, hash, sealed_at
         FROM audit_events WHERE seq = 70`,
      );
      expect(await query.verify({})).toMatchObject({ valid: false, brokenAt: { seq: 70 } });
    });

    it('detects reordered events', async () => {
      await tamper(
        'UPDATE audit_events SET seq = -1 WHERE seq = 60',
        'UPDATE audit_events SET seq = 60 WHERE seq = 61',
        'UPDATE audit_events SET seq = 61 WHERE seq = -1',
      );
      expect(await query.verify({})).toMatchObject({ valid: false, brokenAt: { seq: 60 } });
    });

    it('detects a deleted event', async () => {
      await tamper('DELETE FROM audit_events WHERE seq = 40');
      expect(await query.verify({})).toMatchObject({ valid: false, brokenAt: { seq: 41, reason: 'seq_gap' } });
    });

    it('detects an edited event', async () => {
      await tamper(`UPDATE audit_events SET after = '{"n": 0}' WHERE seq = 20`);
      expect(await query.verify({})).toMatchObject({ valid: false, brokenAt: { seq: 20, reason: 'hash_mismatch' } });
    });
  });
});
