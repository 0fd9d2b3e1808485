import type { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { configLoader, type FlowgateConfig, TransactionRunner } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';
import { readAuditConfig } from './audit.config';
import { AUDIT_MIGRATIONS } from './migrations';
import { AnchorKeyRing } from './anchors/anchor-key-ring';
import { AuditAnchorsRepository } from './anchors/audit-anchors.repository';
import { AuditAnchorsService } from './anchors/audit-anchors.service';
import { AuditQueryService } from './audit-query.service';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { REDACTED } from './redact';

/**
 * Runs on a database of its own (the tampering below would break every other test's chain).
 */
describe('Audit log on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let audit: AuditService;
  let query: AuditQueryService;
  let transactions: TransactionRunner;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_spec', AUDIT_MIGRATIONS);
    dataSource = scratch.dataSource;
    transactions = new TransactionRunner(dataSource, { setContext: () => undefined } as unknown as PinoLogger);
    const repository = new AuditRepository(transactions);
    const { audit: auditConfig } = configLoader({ audit: readAuditConfig }).load({
      AUDIT_REDACT_FIELDS: 'password,token',
    });
    const config = { ...scratch.config, audit: auditConfig } as FlowgateConfig;
    audit = new AuditService(repository, config);
    const anchors = new AuditAnchorsRepository(transactions);
    query = new AuditQueryService(repository, new AuditAnchorsService(anchors, new AnchorKeyRing(config, anchors)));
  });

  afterAll(() => scratch?.drop());

  const event = (n: number) => ({
    actor: { type: 'user' as const, tenantId: 't', objectId: `o${n}`, displayName: `user ${n}` },
    action: 'test.happened',
    resource: { type: 'thing', id: String(n) },
    outcome: 'succeeded' as const,
    before: { n, password: 'hunter2' },
    after: { n: n + 1, nested: { token: 'abc' } },
  });

  const count = async () => Number((await dataSource.query('SELECT count(*) AS n FROM audit_events'))[0].n);

  it('keeps a valid chain under 16 concurrent writers, with contiguous sequence numbers', async () => {
    await Promise.all(
      Array.from({ length: 16 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 5; i += 1) {
            await transactions.run((manager) => audit.record(event(writer * 100 + i), manager));
          }
        })(),
      ),
    );
    const verdict = await query.verify({});
    expect(verdict).toEqual({ valid: true, checked: 80, firstSeq: 1, lastSeq: 80 });
  });

  it('reports a valid chain while writers keep appending (no false alarm at the moving end)', async () => {
    const writing = Promise.all(
      Array.from({ length: 4 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 10; i += 1) {
            await transactions.run((manager) => audit.record(event(5000 + writer * 100 + i), manager));
          }
        })(),
      ),
    );
    const verdicts = [];
    for (let i = 0; i < 5; i += 1) verdicts.push(await query.verify({}));
    await writing;
    expect(verdicts.every((verdict) => verdict.valid)).toBe(true);
    expect(await query.verify({})).toEqual({ valid: true, checked: 120, firstSeq: 1, lastSeq: 120 });
  });

  it('redacts configured fields before storing (and hashing)', async () => {
    const [stored] = await dataSource.query('SELECT before, after FROM audit_events ORDER BY seq LIMIT 1');
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
    expect((await query.verify({})).valid).toBe(true);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'x'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events`],
  ])('refuses %s, even for the table owner', async (_operation, sql) => {
    await expect(dataSource.query(sql)).rejects.toMatchObject({ driverError: { code: '42501' } });
  });

  describe('tampering behind the application’s back (owner with triggers disabled)', () => {
    const tamper = async (...statements: string[]) => {
      await dataSource.transaction(async (manager) => {
        await manager.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        for (const sql of statements) await manager.query(sql);
        await manager.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      });
    };

    // Each case breaks the chain at an earlier point than the one before, so each is the first break.
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
