import { generateKeyPairSync } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { configLoader, type FlowgateConfig, TransactionRunner } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase, sealAuditNow } from '@flowgate/testing';
import { readAuditConfig } from '../audit.config';
import { AuditRepository } from '../audit.repository';
import { AuditService } from '../audit.service';
import { AUDIT_MIGRATIONS } from '../migrations';
import { verifyAnchor } from './anchor-jws';
import { AnchorKeyRing } from './anchor-key-ring';
import { AuditAnchorJob } from './audit-anchor.job';
import { AuditAnchoring } from './audit-anchoring';
import { AuditAnchorsRepository } from './audit-anchors.repository';

/**
 * The anchor job's work on PostgreSQL, on a database of its own (one case tampers with the chain).
 * Each "replica" has its own key ring, as separate worker processes would: in development each
 * generates a key and publishes only its public half.
 */
describe('Anchoring the audit chain on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let audit: AuditService;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_anchor_spec', AUDIT_MIGRATIONS);
    dataSource = scratch.dataSource;
    transactions = new TransactionRunner(dataSource, { setContext: () => undefined } as unknown as PinoLogger);
    audit = new AuditService(new AuditRepository(transactions), configFor({}));
  });

  afterAll(() => scratch?.drop());

  function configFor(env: Record<string, string>): FlowgateConfig {
    const { audit: section } = configLoader({ audit: readAuditConfig }).load(env);
    return { ...scratch.config, audit: section } as FlowgateConfig;
  }

  /** A replica's anchoring, with a fresh key ring (its own development key). */
  function replica(intervalSeconds = 60, env: Record<string, string> = {}) {
    const config = configFor({ AUDIT_ANCHOR_INTERVAL_SECONDS: String(intervalSeconds), ...env });
    const anchors = new AuditAnchorsRepository(transactions);
    const keys = new AnchorKeyRing(config, anchors);
    const anchoring = new AuditAnchoring(new AuditRepository(transactions), anchors, keys, transactions, config);
    const logger = { setContext: () => undefined, info: () => undefined } as unknown as PinoLogger;
    return { keys, anchoring, job: new AuditAnchorJob(anchoring, config, logger) };
  }

  /** Audited changes, then sealed into the chain (the worker's sealer does it in the app): the head moves. */
  const record = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      await transactions.run((manager) =>
        audit.record(
          { actor: { type: 'system' }, action: 'test.happened', resource: { type: 'thing', id: String(i) }, outcome: 'succeeded' }, // prettier-ignore
          manager,
        ),
      );
    }
    await sealAuditNow(dataSource);
  };
  const anchorRows = () =>
    dataSource.query<{ seq: string; hash: string; key_id: string; jws: string }[]>(
      'SELECT seq, hash, key_id, jws FROM audit_anchors ORDER BY seq',
    );
  /** Moves the last anchor's time back, as if an interval had passed (the table refuses UPDATE). */
  const ageAnchors = (seconds: number) =>
    dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE audit_anchors DISABLE TRIGGER USER');
      await manager.query(`UPDATE audit_anchors SET signed_at = signed_at - make_interval(secs => $1)`, [seconds]);
      await manager.query('ALTER TABLE audit_anchors ENABLE TRIGGER USER');
    });

  it('anchors nothing while the chain is empty', async () => {
    expect(await replica().anchoring.anchorHead()).toBeUndefined();
    expect(await anchorRows()).toEqual([]);
  });

  // The jobs' runs side by side, without the distributed lock that normally keeps them apart (as
  // after a lost lock): the database alone keeps it to one anchor.
  it('with several replicas running the job at once, makes exactly one anchor: the head, signed with a published key', async () => {
    await record(5);
    const replicas = Array.from({ length: 6 }, () => replica());
    const done = await Promise.all(replicas.map(({ job }) => job.runOnce()));
    expect(done.sort()).toEqual([0, 0, 0, 0, 0, 1]);
    const [row] = await anchorRows();
    expect(await anchorRows()).toHaveLength(1);
    const [head] = await dataSource.query<{ seq: string; hash: string }[]>('SELECT seq, hash FROM audit_chain_head');
    expect(row).toMatchObject({ seq: head.seq, hash: head.hash });
    const published = await replicas[0].keys.publishedKeys();
    expect(published.every((key) => !('d' in key))).toBe(true);
    await expect(verifyAnchor(row.jws, published)).resolves.toMatchObject({ seq: 5, hash: head.hash, iss: 'flowgate' });
  });

  it('anchors again only when the head moved and an interval has passed', async () => {
    const { anchoring } = replica();
    expect(await anchoring.anchorHead()).toBeUndefined(); // head unchanged
    await record(2);
    expect(await anchoring.anchorHead()).toBeUndefined(); // moved, but within the interval
    await ageAnchors(60);
    expect(await anchoring.anchorHead()).toMatchObject({ seq: 7 });
    await ageAnchors(60);
    expect(await anchoring.anchorHead()).toBeUndefined(); // interval passed, head unchanged
    expect((await anchorRows()).map((row) => Number(row.seq))).toEqual([5, 7]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of anchors, and a private key among the published ones', async () => {
    for (const sql of [
      'UPDATE audit_anchors SET hash = hash',
      'DELETE FROM audit_anchors',
      'TRUNCATE audit_anchors',
      'DELETE FROM audit_anchor_keys',
    ]) {
      // prettier-ignore
      await expect(dataSource.query(sql)).rejects.toMatchObject({ driverError: { code: '42501' } });
    }
    await expect(
      dataSource.query(`INSERT INTO audit_anchor_keys (kid, public_jwk) VALUES ('leak', '{"kty":"EC","d":"secret"}')`),
    ).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('publishes only configured keys in production, never keys found in the database', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    const config = configFor({ AUDIT_ANCHOR_SIGNING_KEY: pem.toString(), AUDIT_ANCHOR_KEY_ID: 'prod-1' });
    const ring = new AnchorKeyRing(
      { ...config, app: { ...config.app, environment: 'production' } },
      new AuditAnchorsRepository(transactions),
    );
    expect((await ring.publishedKeys()).map((key) => key.kid)).toEqual(['prod-1']);
    // Outside production, the development keys registered above are published beside it.
    const development = new AnchorKeyRing(config, new AuditAnchorsRepository(transactions));
    expect((await development.publishedKeys()).map((key) => key.kid)).toEqual([
      'prod-1',
      ...(await dataSource.query<{ kid: string }[]>('SELECT kid FROM audit_anchor_keys ORDER BY created_at, kid')).map((row) => row.kid), // prettier-ignore
    ]);
  });

  it('refuses to sign a chain that no longer extends the last anchor (rewritten below it)', async () => {
    await record(2);
    await ageAnchors(60);
    await dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await manager.query(`UPDATE audit_events SET action = 'test.rewritten' WHERE seq = 8`);
      await manager.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    });
    await expect(replica().anchoring.anchorHead()).rejects.toThrow(
      'The audit chain does not extend the last anchor (seq 8: hash_mismatch); nothing was signed',
    );
    expect((await anchorRows()).map((row) => Number(row.seq))).toEqual([5, 7]);
  });

  it('refuses to sign when the head went back below the last anchor (a removed tail)', async () => {
    const [fifth] = await dataSource.query<{ hash: string }[]>('SELECT hash FROM audit_events WHERE seq = 5');
    const [head] = await dataSource.query<{ seq: string; hash: string }[]>('SELECT seq, hash FROM audit_chain_head');
    await dataSource.query('UPDATE audit_chain_head SET seq = 5, hash = $1', [fifth.hash]);
    try {
      await expect(replica().anchoring.anchorHead()).rejects.toThrow(
        'The audit chain head (seq 5) contradicts the last anchor (seq 7); nothing was signed',
      );
    } finally {
      await dataSource.query('UPDATE audit_chain_head SET seq = $1, hash = $2', [head.seq, head.hash]);
    }
  });
});
