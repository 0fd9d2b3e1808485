import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PinoLogger } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { configLoader, type FlowgateConfig, type TransactionRunner } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase, sealAuditNow, transactionRunnerOn } from '@flowgate/testing';
import { AnchorKeyRing } from '../anchors/anchor-key-ring';
import { AuditAnchoring } from '../anchors/audit-anchoring';
import { AuditAnchorsRepository } from '../anchors/audit-anchors.repository';
import { AuditAnchorsService } from '../anchors/audit-anchors.service';
import { AuditQueryService } from '../audit-query.service';
import { readAuditConfig } from '../audit.config';
import { AuditRepository } from '../audit.repository';
import { AUDIT_MIGRATIONS } from '../migrations';
import { AuditArchiver } from './audit-archiver';
import { AuditArchivesRepository } from './audit-archives.repository';

/**
 * Retention on PostgreSQL, on a database of its own (months of 2025 are archived and dropped, one
 * case removes an event): what is archived and when, what is kept, and that what remains, in the
 * database and in the files, still verifies — the files with the offline verifier an auditor runs.
 * The cases build on each other in order, as months go by.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const VERIFIER = join(ROOT, 'scripts', 'audit-verify.mjs');

describe('Archiving and dropping expired audit partitions on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let db: DataSource;
  let transactions: TransactionRunner;
  let keys: AnchorKeyRing;
  let anchoring: AuditAnchoring;
  let query: AuditQueryService;
  const archiveDir = mkdtempSync(join(tmpdir(), 'audit-archives-'));
  const silent = { setContext: () => undefined, info: () => undefined } as unknown as PinoLogger;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_retention_spec', AUDIT_MIGRATIONS);
    db = scratch.dataSource;
    transactions = transactionRunnerOn(db);
    const config = configFor({ AUDIT_ANCHOR_INTERVAL_SECONDS: '1' });
    const anchors = new AuditAnchorsRepository(transactions);
    keys = new AnchorKeyRing(config, anchors);
    anchoring = new AuditAnchoring(new AuditRepository(transactions), anchors, keys, transactions, config);
    query = new AuditQueryService(
      new AuditRepository(transactions),
      new AuditAnchorsService(anchors, keys, { reader: () => transactions }),
      new AuditArchivesRepository(transactions),
      { reader: () => transactions },
    );
    for (const month of ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01']) {
      await db.query(`SELECT audit_events_create_partition($1::date)`, [month]);
    }
  });

  afterAll(() => scratch?.drop());

  function configFor(env: Record<string, string>): FlowgateConfig {
    const { audit } = configLoader({ audit: readAuditConfig }).load(env);
    return { ...scratch.config, audit } as FlowgateConfig;
  }

  /** An archiver as the worker builds it; twelve months of retention unless told otherwise. */
  function archiver(env: Record<string, string> = { AUDIT_RETENTION_MONTHS: '12', AUDIT_ARCHIVE_DIR: archiveDir }) {
    const archives = new AuditArchivesRepository(transactions);
    const anchors = new AuditAnchorsRepository(transactions);
    const service = new AuditAnchorsService(anchors, keys, { reader: () => transactions });
    const config = configFor(env);
    return { archives, run: new AuditArchiver(transactions, archives, new AuditRepository(transactions), service, config, silent) }; // prettier-ignore
  }

  /** Events as writers insert them (unsealed), at a time of the caller's. */
  async function insertAt(occurredAt: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      await db.query(
        `INSERT INTO audit_events (id, occurred_at, actor_type, action, resource_type, resource_id, outcome, after)
         VALUES ($1, $2, 'system', 'test.archived', 'thing', $3, 'succeeded', $4)`,
        [randomUUID(), occurredAt, String(i), JSON.stringify({ n: i, text: 'é"\u2028' })],
      );
    }
  }

  /**
   * Signs the chain head, as the anchor job does once its interval (one second here) has passed.
   * The wait is real: an anchor's time is signed, so it cannot be moved back as other specs do.
   */
  async function anchorHead(): Promise<number> {
    await sleep(1_000);
    const anchor = await anchoring.anchorHead();
    if (!anchor) throw new Error('nothing anchored');
    return anchor.seq;
  }

  const attached = async () =>
    (
      await db.query<{ name: string }[]>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_events'::regclass AND c.relname LIKE 'audit_events_y2025%' ORDER BY 1`,
      )
    ).map((row) => row.name.replace('audit_events_', ''));
  const archiveRows = () =>
    db.query<Record<string, unknown>[]>(
      `SELECT partition_name, to_char(month, 'YYYY-MM-DD') AS month, first_seq::int, last_seq::int, last_hash,
              event_count::int, file_name, sha256 FROM audit_archives ORDER BY month`,
    );
  const sha256Of = (file: string) =>
    createHash('sha256')
      .update(readFileSync(join(archiveDir, file)))
      .digest('hex');

  /** `npm run audit:verify` on archive files (concatenated in the order given), with the published keys. */
  async function verifyOffline(...files: string[]): Promise<{ status: number | null; out: string }> {
    const work = mkdtempSync(join(tmpdir(), 'audit-archive-check-'));
    const chain = join(work, 'chain.ndjson');
    writeFileSync(chain, files.map((file) => readFileSync(join(archiveDir, file), 'utf8')).join(''));
    const jwks = join(work, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: await keys.publishedKeys() }));
    const run = spawnSync(process.execPath, [VERIFIER, chain, '--keys', jwks], { encoding: 'utf8' });
    return { status: run.status, out: `${run.stdout}${run.stderr}` };
  }

  it('keeps every partition while AUDIT_RETENTION_MONTHS is unset (the default)', async () => {
    await insertAt('2025-01-10T08:00:00Z', 3);
    await sealAuditNow(db);
    expect(await anchorHead()).toBe(3);
    expect(await archiver({}).run.archiveExpired()).toBe(0);
    expect(await attached()).toEqual(['y2025m01', 'y2025m02', 'y2025m03', 'y2025m04']);
    expect(readdirSync(archiveDir)).toEqual([]);
  });

  it('keeps an expired partition that holds an unsealed event, then one whose last event no anchor covers yet', async () => {
    await insertAt('2025-01-20T08:00:00Z', 1);
    expect(await archiver().run.archiveExpired()).toBe(0);
    await sealAuditNow(db); // seq 4, after the anchor at 3
    expect(await archiver().run.archiveExpired()).toBe(0);
    expect(await attached()).toEqual(['y2025m01', 'y2025m02', 'y2025m03', 'y2025m04']);
    expect(await archiveRows()).toEqual([]);
    expect(readdirSync(archiveDir)).toEqual([]);
  });

  it('archives a sealed, anchored month (a file the offline verifier accepts, its sha256 recorded), drops it, and verify continues from it', async () => {
    expect(await anchorHead()).toBe(4);
    await insertAt('2025-02-03T08:00:00Z', 2);
    await sealAuditNow(db); // seq 5 and 6, no anchor over them: February stays

    expect(await archiver().run.archiveExpired()).toBe(1);

    expect(await attached()).toEqual(['y2025m02', 'y2025m03', 'y2025m04']);
    const file = 'audit-audit_events_y2025m01.ndjson';
    expect(await archiveRows()).toEqual([
      { partition_name: 'audit_events_y2025m01', month: '2025-01-01', first_seq: 1, last_seq: 4, last_hash: expect.any(String), event_count: 4, file_name: file, sha256: sha256Of(file) }, // prettier-ignore
    ]);
    const lines = readFileSync(join(archiveDir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>); // prettier-ignore
    expect(lines.map((line) => line.type ?? line.seq)).toEqual([1, 2, 3, 4, 'audit.anchor', 'audit.anchor']);
    expect((await archiveRows())[0].last_hash).toBe(lines[3].hash);
    const offline = await verifyOffline(file);
    expect(offline.out).toContain('VERIFIED');
    expect(offline.out).toMatch(/events verified: +4 \(seq 1 to 4, from the genesis\)/);
    expect(offline.out).toMatch(/anchors verified: +2 /);
    expect(offline.status).toBe(0);

    expect(await query.verify({})).toMatchObject({
      valid: true,
      checked: 2,
      firstSeq: 5,
      lastSeq: 6,
      continuesFrom: { partition: 'audit_events_y2025m01', lastSeq: 4 },
    });
    expect(readdirSync(archiveDir)).toEqual([file]); // no temporary file left behind
  });

  it('ends an archive on a signed anchor, events of the next month inside it included; the files verify chained', async () => {
    await insertAt('2025-03-31T23:59:59.999Z', 1); // seq 7, in March
    await insertAt('2025-04-01T00:00:00.000Z', 1); // seq 8, in April
    await sealAuditNow(db);
    expect(await anchorHead()).toBe(8);

    // February (5-6) needs the anchor at 8: its archive holds 5 to 8, March's and April's events too.
    expect(await archiver().run.archiveExpired()).toBe(3); // February, March (nothing left of it), April (the same)
    expect(await archiveRows()).toMatchObject([
      { partition_name: 'audit_events_y2025m01', first_seq: 1, last_seq: 4 },
      { partition_name: 'audit_events_y2025m02', first_seq: 5, last_seq: 8, event_count: 4, last_hash: await anchorHash(8) }, // prettier-ignore
      { partition_name: 'audit_events_y2025m03', first_seq: null, last_seq: null, event_count: 0 },
      { partition_name: 'audit_events_y2025m04', first_seq: null, last_seq: null, event_count: 0 },
    ]);
    expect(sha256Of('audit-audit_events_y2025m03.ndjson')).toBe(createHash('sha256').digest('hex'));

    const february = await verifyOffline('audit-audit_events_y2025m02.ndjson');
    expect(february.out).toMatch(/events verified: +4 \(seq 5 to 8, first prevHash taken on trust\)/);
    expect(february.status).toBe(0);
    const chained = await verifyOffline('audit-audit_events_y2025m01.ndjson', 'audit-audit_events_y2025m02.ndjson');
    expect(chained.out).toMatch(/events verified: +8 \(seq 1 to 8, from the genesis\)/);
    expect(chained.status).toBe(0);

    expect(await query.verify({})).toMatchObject({ valid: true, checked: 0, continuesFrom: { lastSeq: 8 } });
    await insertAt(new Date().toISOString(), 1);
    await sealAuditNow(db);
    expect(await query.verify({})).toMatchObject({ valid: true, checked: 1, firstSeq: 9, lastSeq: 9 });
  });

  async function anchorHash(seq: number): Promise<string> {
    return (await db.query<{ hash: string }[]>(`SELECT hash FROM audit_anchors WHERE seq = $1`, [seq]))[0].hash;
  }

  it('with two jobs at once (a lost lock), archives a month once', async () => {
    await db.query(`SELECT audit_events_create_partition('2025-05-01'::date)`);
    await insertAt('2025-05-15T08:00:00Z', 3);
    await sealAuditNow(db);
    await anchorHead();
    const done = await Promise.all([archiver().run.archiveExpired(), archiver().run.archiveExpired()]);
    expect(done.sort()).toEqual([0, 1]);
    expect((await archiveRows()).map((row) => row.partition_name)).toEqual([
      'audit_events_y2025m01',
      'audit_events_y2025m02',
      'audit_events_y2025m03',
      'audit_events_y2025m04',
      'audit_events_y2025m05',
    ]);
    expect(await attached()).toEqual([]);
    expect((await verifyOffline('audit-audit_events_y2025m05.ndjson')).status).toBe(0);
  });

  it('after a crash between the file and the commit, keeps the month, and the next run archives it consistently', async () => {
    await db.query(`SELECT audit_events_create_partition('2025-06-01'::date)`);
    await insertAt('2025-06-15T08:00:00Z', 2);
    await sealAuditNow(db);
    await anchorHead();
    const crashing = archiver();
    jest.spyOn(crashing.archives, 'dropPartition').mockRejectedValueOnce(new Error('killed mid-drop'));

    await expect(crashing.run.archiveExpired()).rejects.toThrow('killed mid-drop');
    const file = 'audit-audit_events_y2025m06.ndjson';
    expect(existsSync(join(archiveDir, file))).toBe(true); // written and renamed before the transaction ended
    expect(await attached()).toEqual(['y2025m06']);
    expect((await archiveRows()).map((row) => row.partition_name)).not.toContain('audit_events_y2025m06');

    expect(await archiver().run.archiveExpired()).toBe(1);
    expect(await attached()).toEqual([]);
    expect((await archiveRows()).at(-1)).toMatchObject({
      partition_name: 'audit_events_y2025m06',
      sha256: sha256Of(file),
    });
    expect((await verifyOffline(file)).status).toBe(0);
    expect(await query.verify({})).toMatchObject({
      valid: true,
      continuesFrom: { partition: 'audit_events_y2025m06' },
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the archive records', async () => {
    for (const sql of [
      `UPDATE audit_archives SET sha256 = repeat('0', 64)`,
      'DELETE FROM audit_archives',
      'TRUNCATE audit_archives',
    ]) {
      await expect(db.query(sql)).rejects.toMatchObject({ driverError: { code: '42501' } });
    }
    expect(await archiveRows()).toHaveLength(6);
  });

  it('reports an event missing between the newest archive and the first retained event as a broken link', async () => {
    const [{ last }] = await db.query<{ last: number }[]>(`SELECT max(last_seq)::int AS last FROM audit_archives`);
    await insertAt(new Date().toISOString(), 2);
    await sealAuditNow(db);
    // What only someone with the database's superuser could do: remove the first retained event.
    await db.transaction(async (manager) => {
      await manager.query(`SET LOCAL session_replication_role = replica`);
      await manager.query(`DELETE FROM audit_events WHERE seq = $1`, [last + 1]);
    });
    expect(await query.verify({})).toMatchObject({
      valid: false,
      brokenAt: { seq: last + 2, reason: 'seq_gap' },
      continuesFrom: { partition: 'audit_events_y2025m06', lastSeq: last },
    });
  });
});
