import { randomBytes, randomUUID } from 'node:crypto';
import {
  createScratchDatabase,
  type ScratchDatabase,
  sealAuditNow,
  SQL_STATE,
  type UnitsOfWork,
  unitsOfWorkOn,
} from '@flowgate/testing';
import type { AuditEventBody } from './audit-event';
import { type AuditEventFilter, AuditRepository, type SealedAuditEvent } from './audit.repository';
import { linkHash } from './hash-chain/audit-link';
import { AUDIT_MIGRATIONS } from './migrations';

/**
 * What `audit.int-spec.ts` (writers, the sealer, verification, redaction, the append-only
 * trigger, tampering) leaves to the repository: its queries' filters, paging and batches, and the
 * plans they get on the partitioned table. A database of its own, as there: the chain is one per
 * database and these events are not the app's. Each test appends its own events and asserts on
 * those only (a resource id, a year or a range of sequence numbers of its own).
 */
describe('AuditRepository (real PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let units: UnitsOfWork;
  let audit: AuditRepository;
  /** A year no other test's events fall in, for time-range queries. */
  let nextYear = 1990;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit_repository_spec', AUDIT_MIGRATIONS);
    units = unitsOfWorkOn(scratch.dataSource);
    audit = new AuditRepository(units.transactions);
  });

  afterAll(async () => {
    await units?.rollbackOpenUnits();
    await scratch?.drop();
  });

  const body = (fields: Partial<AuditEventBody> = {}): AuditEventBody => ({
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actor: { type: 'user', tenantId: 'tenant-1', objectId: randomUUID(), displayName: 'Ada' },
    action: 'thing.changed',
    resource: { type: 'thing', id: randomUUID() },
    outcome: 'succeeded',
    before: { n: 1 },
    after: { n: 2 },
    requestId: 'req-1',
    clientIp: '203.0.113.9',
    userAgent: 'spec',
    ...fields,
  });

  /** Inserts the events in one unit of work as the service does, then seals them as the worker would. */
  async function appendAll(...events: AuditEventBody[]): Promise<SealedAuditEvent[]> {
    await units.transactions.run(async (manager) => {
      for (const event of events) await audit.insert(event, manager);
    });
    await sealAuditNow(scratch.dataSource);
    const stored = await Promise.all(events.map((event) => audit.findById(event.id)));
    return stored as SealedAuditEvent[];
  }

  describe('insert and the head', () => {
    it('stores an event unsealed; sealed, it links to its predecessor and moves the head', async () => {
      const event = body({ before: null, requestId: null, clientIp: null, userAgent: null });
      await units.transactions.run((manager) => audit.insert(event, manager));
      const unsealed = await audit.findById(event.id);
      expect(unsealed).toEqual({ pos: expect.any(Number), seq: null, prevHash: null, hash: null, body: event });
      const headBefore = await audit.head();
      await sealAuditNow(scratch.dataSource);
      const sealed = (await audit.findById(event.id)) as SealedAuditEvent;
      expect(sealed).toMatchObject({
        pos: unsealed!.pos,
        seq: headBefore.seq + 1,
        prevHash: headBefore.hash,
        body: event,
      });
      expect(sealed.hash).toBe(linkHash(sealed.seq, sealed.prevHash, { ...event }));
      expect(await audit.head()).toEqual({ seq: sealed.seq, hash: sealed.hash });
    });

    it('stores the trace id with the event and the hash covers it; without one, the body has no traceId', async () => {
      const traced = body({ traceId: randomBytes(16).toString('hex') });
      const untraced = body();
      const [sealed, plain] = await appendAll(traced, untraced);
      expect(sealed.body).toEqual(traced);
      expect(sealed.hash).toBe(linkHash(sealed.seq, sealed.prevHash, { ...traced }));
      const { traceId: _dropped, ...withoutTrace } = traced;
      expect(sealed.hash).not.toBe(linkHash(sealed.seq, sealed.prevHash, withoutTrace));
      // An event without a trace id hashes as events did before the column existed.
      expect(plain.body).not.toHaveProperty('traceId');
      expect(plain.hash).toBe(linkHash(plain.seq, plain.prevHash, { ...untraced }));
    });

    it('reads a system event with its absent fields as null', async () => {
      const system = body({ actor: { type: 'system', tenantId: null, objectId: null, displayName: null }, resource: { type: 'thing', id: null }, after: null }); // prettier-ignore
      const [event] = await appendAll(system);
      expect(event.body).toEqual(system);
    });

    it('is undefined for an id never recorded', async () => {
      expect(await audit.findById(randomUUID())).toBeUndefined();
    });

    it('refuses a second event with a taken id (at the same time: the partition key is part of the key)', async () => {
      const [taken] = await appendAll(body());
      await expect(units.transactions.run((manager) => audit.insert(taken.body, manager))).rejects.toMatchObject({
        driverError: { code: SQL_STATE.uniqueViolation },
      });
    });

    it('leaves no event when the unit of work rolls back', async () => {
      const event = body();
      await expect(
        units.transactions.run(async (manager) => {
          await audit.insert(event, manager);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await audit.findById(event.id)).toBeUndefined();
    });

    it('files each event in the partition of its month, and one far off in the default partition', async () => {
      const now = body();
      const far = body({ occurredAt: '1970-01-01T00:00:00.000Z' });
      await appendAll(now, far);
      const rows = await scratch.dataSource.query<{ id: string; partition: string }[]>(
        `SELECT id, tableoid::regclass::text AS partition FROM audit_events WHERE id IN ($1, $2)`,
        [now.id, far.id],
      );
      const month = now.occurredAt.slice(0, 7).replace('-', 'm');
      expect(Object.fromEntries(rows.map((row) => [row.id, row.partition]))).toEqual({
        [now.id]: `audit_events_y${month}`,
        [far.id]: 'audit_events_default',
      });
    });
  });

  describe('list', () => {
    it('lists newest first, a page at a time before a position', async () => {
      const resource = { type: 'thing', id: randomUUID() };
      const events = await appendAll(...Array.from({ length: 5 }, () => body({ resource })));
      const newestFirst = events.map((event) => event.pos).reverse();
      const pages: number[][] = [];
      let beforePos: number | undefined;
      for (;;) {
        const page = await audit.list({ resourceType: 'thing', resourceId: resource.id, beforePos, limit: 2 });
        pages.push(page.map((event) => event.pos));
        if (page.length < 2) break;
        beforePos = page[page.length - 1].pos;
      }
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    });

    it.each<[string, (mine: AuditEventBody) => Partial<AuditEventFilter>]>([
      ['actor', (mine) => ({ actorTenantId: mine.actor.tenantId!, actorObjectId: mine.actor.objectId! })],
      ['action', (mine) => ({ action: mine.action })],
      ['resource', (mine) => ({ resourceType: mine.resource.type, resourceId: mine.resource.id! })],
      ['outcome', (mine) => ({ outcome: mine.outcome, resourceType: mine.resource.type })],
      ['trace id', (mine) => ({ traceId: mine.traceId })],
      ['time range, from inclusive and to exclusive', (mine) => ({ from: mine.occurredAt, to: new Date(Date.parse(mine.occurredAt) + 1).toISOString() })], // prettier-ignore
    ])('filters by %s', async (_filter, filterFor) => {
      const year = nextYear++;
      const mine = body({
        actor: { type: 'user', tenantId: `tenant-${year}`, objectId: randomUUID(), displayName: null },
        action: `thing.filtered_${year}`,
        resource: { type: `thing-${year}`, id: randomUUID() },
        outcome: 'denied',
        occurredAt: `${year}-06-01T00:00:00.000Z`,
        traceId: randomBytes(16).toString('hex'),
      });
      // Alike but for one field each: each filter must tell them apart.
      const others = [
        body({ ...mine, id: randomUUID(), actor: { ...mine.actor, objectId: randomUUID() }, action: 'x', resource: { ...mine.resource, id: randomUUID() }, outcome: 'succeeded', occurredAt: `${year}-06-01T00:00:00.001Z`, traceId: randomBytes(16).toString('hex') }), // prettier-ignore
        body({ ...mine, id: randomUUID(), actor: { ...mine.actor, tenantId: 'tenant-other' }, action: 'y', resource: { type: 'other', id: mine.resource.id }, outcome: 'succeeded', occurredAt: `${year}-05-31T23:59:59.999Z`, traceId: undefined }), // prettier-ignore
      ];
      const [stored] = await appendAll(mine, ...others);
      expect(await audit.list({ ...filterFor(mine), limit: 10 })).toEqual([stored]);
    });
  });

  describe('chain reads', () => {
    it('walks a range in chain order, in batches, up to its last sequence number', async () => {
      const events = await appendAll(...Array.from({ length: 7 }, () => body()));
      const [first, last] = [events[0].seq, events[5].seq];
      const walked: SealedAuditEvent[] = [];
      for await (const event of audit.inChainOrder(first, last, undefined, 2)) walked.push(event);
      expect(walked).toEqual(events.slice(0, 6));
    });

    it('walks to the end of the chain when no last sequence number is given', async () => {
      const events = await appendAll(body(), body(), body());
      const walked: number[] = [];
      for await (const event of audit.inChainOrder(events[0].seq, undefined, undefined, 2)) walked.push(event.seq);
      expect(walked.slice(0, 3)).toEqual(events.map((event) => event.seq));
      expect(walked.at(-1)).toBe((await audit.head()).seq);
    });

    it('bounds a time range by sequence numbers, from inclusive and to exclusive; none when empty', async () => {
      const year = nextYear++;
      const events = await appendAll(
        body({ occurredAt: `${year}-01-01T00:00:00.000Z` }),
        body({ occurredAt: `${year}-03-01T00:00:00.000Z` }),
        body({ occurredAt: `${year}-05-01T00:00:00.000Z` }),
      );
      expect(await audit.seqRange(`${year}-01-01T00:00:00.000Z`, `${year}-05-01T00:00:00.000Z`)).toEqual({
        first: events[0].seq,
        last: events[1].seq,
      });
      expect(await audit.seqRange(`${year}-02-01T00:00:00.000Z`, `${year + 1}-01-01T00:00:00.000Z`)).toEqual({
        first: events[1].seq,
        last: events[2].seq,
      });
      expect(await audit.seqRange(`${year}-06-01T00:00:00.000Z`, `${year}-07-01T00:00:00.000Z`)).toBeUndefined();
    });

    it("gives the hash a range's first event links to, and none before the first event", async () => {
      const [one, two] = await appendAll(body(), body());
      expect(await audit.hashBefore(two.seq)).toBe(one.hash);
      expect(two.prevHash).toBe(one.hash);
      expect(await audit.hashBefore(1)).toBeUndefined();
    });
  });

  describe('plans on the partitioned table', () => {
    // Planned as if the table were large (no sequential scan unless no index serves), over the
    // partitions a real query touches: every filter must find an index in each of them.
    const planOf = (sql: string, parameters: unknown[] = []) =>
      units.transactions.run(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        const rows = await manager.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, parameters);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    const day = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };

    it.each([
      ['actor and a day', `actor_tenant_id = 't' AND actor_object_id = 'o' AND occurred_at >= $1 AND occurred_at < $2`, /_actor_tenant_id_actor_object_id_pos_idx|_occurred_at_idx/], // prettier-ignore
      ['resource', `resource_type = 'thing' AND resource_id = 'x'`, /_resource_type_resource_id_pos_idx/],
      ['action', `action = 'thing.changed'`, /_action_pos_idx/],
      ['trace id', `trace_id = '4bf92f3577b34da6a3ce929d0e0e4736'`, /_trace_id_pos_idx/],
      ['a day', `occurred_at >= $1 AND occurred_at < $2`, /_occurred_at_idx|_pkey/],
      ['nothing (newest page)', `true`, /_pkey/],
    ])('serves the list filtered by %s from an index, newest first', async (_filter, where, index) => {
      const parameters = where.includes('$1') ? [day.from, day.to] : [];
      const plan = await planOf(`SELECT * FROM audit_events WHERE ${where} ORDER BY pos DESC LIMIT 51`, parameters);
      expect(plan).not.toMatch(/Seq Scan/);
      expect(plan).toMatch(index);
    });

    it('serves the sealer from the unsealed index and chain walks from the chain index', async () => {
      const sealing = await planOf(
        `SELECT * FROM audit_events WHERE seq IS NULL AND txid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY txid, pos LIMIT 500`,
      );
      expect(sealing).toMatch(/_txid_pos_idx/);
      const walk = await planOf(
        `SELECT * FROM audit_events WHERE seq >= 1 AND (seq, pos) > (1, 0) ORDER BY seq, pos LIMIT 1000`,
      );
      expect(walk).toMatch(/_seq_pos_idx/);
      const seal = await planOf(
        `UPDATE audit_events e SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash, sealed_at = now()
         FROM unnest($1::xid8[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s(txid, pos, seq, prev_hash, hash)
         WHERE e.txid = s.txid AND e.pos = s.pos AND e.seq IS NULL`,
        [['1'], [1], [1], ['p'], ['h']],
      );
      expect(seal).toMatch(/_txid_pos_idx/);
      expect(sealing + walk + seal).not.toMatch(/Seq Scan/);
    });
  });
});
