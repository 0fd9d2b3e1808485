import { randomUUID } from 'node:crypto';
import {
  createScratchDatabase,
  type ScratchDatabase,
  SQL_STATE,
  type UnitsOfWork,
  unitsOfWorkOn,
} from '@flowgate/testing';
import type { EntityManager } from 'typeorm';
import type { AuditEventBody } from './audit-event';
import { type AuditEventFilter, AuditRepository, type StoredAuditEvent } from './audit.repository';
import { linkHash } from './hash-chain/audit-link';
import { AUDIT_MIGRATIONS } from './migrations';

/**
 * What `audit.int-spec.ts` (the service on the chain: concurrent writers, verification, redaction,
 * refused UPDATE/DELETE/TRUNCATE, tampering) leaves to the repository: its queries' filters,
 * paging and batches, and the head lock. A database of its own, as there: the chain is one per
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

  /** Appends at the chain's end as the service does: head locked, linked to it, last in the unit. */
  async function appendTo(manager: EntityManager, event: AuditEventBody): Promise<StoredAuditEvent> {
    const head = await audit.lockHead(manager);
    const seq = head.seq + 1;
    const stored = { seq, prevHash: head.hash, hash: linkHash(seq, head.hash, event as unknown as Record<string, unknown>), body: event }; // prettier-ignore
    await audit.append(stored, manager);
    return stored;
  }

  /** Appends the events in one unit of work: consecutive sequence numbers. */
  const appendAll = (...events: AuditEventBody[]) =>
    units.transactions.run(async (manager) => {
      const stored: StoredAuditEvent[] = [];
      for (const event of events) stored.push(await appendTo(manager, event));
      return stored;
    });

  describe('append and the head', () => {
    it('moves the head to the appended event, and reads it back as stored', async () => {
      const [event] = await appendAll(body({ before: null, requestId: null, clientIp: null, userAgent: null }));
      expect(await audit.head()).toEqual({ seq: event.seq, hash: event.hash });
      expect(await audit.findById(event.body.id)).toEqual(event);
    });

    it('reads a system event with its absent fields as null', async () => {
      const system = body({ actor: { type: 'system', tenantId: null, objectId: null, displayName: null }, resource: { type: 'thing', id: null }, after: null }); // prettier-ignore
      const [event] = await appendAll(system);
      expect((await audit.findById(system.id))?.body).toEqual(system);
      expect(event.body).toEqual(system);
    });

    it('is undefined for an id never recorded', async () => {
      expect(await audit.findById(randomUUID())).toBeUndefined();
    });

    it.each([
      ['sequence number', (taken: StoredAuditEvent) => ({ ...taken, body: body() })],
      ['event id', (taken: StoredAuditEvent) => ({ ...taken, seq: taken.seq + 1_000_000 })],
    ])('refuses a second event with a taken %s', async (_what, twin) => {
      const [taken] = await appendAll(body());
      await expect(units.transactions.run((manager) => audit.append(twin(taken), manager))).rejects.toMatchObject({
        driverError: { code: SQL_STATE.uniqueViolation },
      });
    });

    it('leaves neither the event nor the head moved when the unit of work rolls back', async () => {
      const head = await audit.head();
      const event = body();
      await expect(
        units.transactions.run(async (manager) => {
          await appendTo(manager, event);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await audit.findById(event.id)).toBeUndefined();
      // Tests in a file run one at a time, and this database is this file's: nobody else appends.
      expect(await audit.head()).toEqual(head);
    });

    it('makes a second writer wait for the head until the first commits, then gives it the new head', async () => {
      const first = await units.openUnit();
      const second = await units.openUnit();
      const appended = await appendTo(first.manager, body());
      const waiting = audit.lockHead(second.manager);
      await units.waitUntilBlocked(second, first);
      // Readers are not held up: the unlocked read still sees the committed head.
      expect((await audit.head()).seq).toBe(appended.seq - 1);
      await first.commit();
      expect(await waiting).toEqual({ seq: appended.seq, hash: appended.hash });
      await second.rollback();
    });
  });

  describe('list', () => {
    it('lists newest first, a page at a time before a sequence number', async () => {
      const resource = { type: 'thing', id: randomUUID() };
      const events = await appendAll(...Array.from({ length: 5 }, () => body({ resource })));
      const newestFirst = events.map((event) => event.seq).reverse();
      const pages: number[][] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await audit.list({ resourceType: 'thing', resourceId: resource.id, beforeSeq, limit: 2 });
        pages.push(page.map((event) => event.seq));
        if (page.length < 2) break;
        beforeSeq = page[page.length - 1].seq;
      }
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    });

    it.each<[string, (mine: AuditEventBody) => Partial<AuditEventFilter>]>([
      ['actor', (mine) => ({ actorTenantId: mine.actor.tenantId!, actorObjectId: mine.actor.objectId! })],
      ['action', (mine) => ({ action: mine.action })],
      ['resource', (mine) => ({ resourceType: mine.resource.type, resourceId: mine.resource.id! })],
      ['outcome', (mine) => ({ outcome: mine.outcome, resourceType: mine.resource.type })],
      ['time range, from inclusive and to exclusive', (mine) => ({ from: mine.occurredAt, to: new Date(Date.parse(mine.occurredAt) + 1).toISOString() })], // prettier-ignore
    ])('filters by %s', async (_filter, filterFor) => {
      const year = nextYear++;
      const mine = body({
        actor: { type: 'user', tenantId: `tenant-${year}`, objectId: randomUUID(), displayName: null },
        action: `thing.filtered_${year}`,
        resource: { type: `thing-${year}`, id: randomUUID() },
        outcome: 'denied',
        occurredAt: `${year}-06-01T00:00:00.000Z`,
      });
      // Alike but for one field each: each filter must tell them apart.
      const others = [
        body({ ...mine, id: randomUUID(), actor: { ...mine.actor, objectId: randomUUID() }, action: 'x', resource: { ...mine.resource, id: randomUUID() }, outcome: 'succeeded', occurredAt: `${year}-06-01T00:00:00.001Z` }), // prettier-ignore
        body({ ...mine, id: randomUUID(), actor: { ...mine.actor, tenantId: 'tenant-other' }, action: 'y', resource: { type: 'other', id: mine.resource.id }, outcome: 'succeeded', occurredAt: `${year}-05-31T23:59:59.999Z` }), // prettier-ignore
      ];
      const [stored] = await appendAll(mine, ...others);
      expect(await audit.list({ ...filterFor(mine), limit: 10 })).toEqual([stored]);
    });
  });

  describe('chain reads', () => {
    it('walks a range in chain order, in batches, up to its last sequence number', async () => {
      const events = await appendAll(...Array.from({ length: 7 }, () => body()));
      const [first, last] = [events[0].seq, events[5].seq];
      const walked: StoredAuditEvent[] = [];
      for await (const event of audit.inChainOrder(first, last, 2)) walked.push(event);
      expect(walked).toEqual(events.slice(0, 6));
    });

    it('walks to the end of the chain when no last sequence number is given', async () => {
      const events = await appendAll(body(), body(), body());
      const walked: number[] = [];
      for await (const event of audit.inChainOrder(events[0].seq, undefined, 2)) walked.push(event.seq);
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
});
