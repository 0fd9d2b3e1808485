import { randomUUID } from 'node:crypto';
import {
  connectRunDatabase,
  insertDefinition,
  insertInstance,
  insertUser,
  type PublishedRow,
  type RunDatabase,
  SQL_STATE,
  type UserRow,
} from '@flowgate/testing';
import type { EntityManager } from 'typeorm';
import { InstancePeopleRepository } from './instance-people.repository';
import { pastOf } from './instance-past';
import type { InstanceListFilter } from './instance-list-query';
import type { WorkflowInstance } from './workflow-instance';
import { type InstanceStep, type NewHistoryEntry, WorkflowInstancesRepository } from './workflow-instances.repository';

/** On the run's database: every test publishes its own definition and lists only its instances. */
describe('WorkflowInstancesRepository (real PostgreSQL)', () => {
  let db: RunDatabase;
  let instances: WorkflowInstancesRepository;
  let people: InstancePeopleRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('workflow-instances-repository-spec');
    instances = new WorkflowInstancesRepository(db.transactions);
    people = new InstancePeopleRepository();
  });

  afterAll(() => db?.close());

  /** A published definition, its initiator, and one instance of it in `draft`. */
  async function started(): Promise<{ published: PublishedRow; initiator: UserRow; id: string }> {
    const published = await insertDefinition(db.dataSource);
    const initiator = await insertUser(db.dataSource, { tokenRoles: ['requester'] });
    const { id } = await insertInstance(db.dataSource, published, initiator.id);
    return { published, initiator, id };
  }

  const line = (seq: number, actorId: string, fields: Partial<NewHistoryEntry> = {}): NewHistoryEntry => ({
    seq,
    kind: 'moved',
    transition: 'submit',
    fromState: 'draft',
    toState: 'review',
    actorId,
    assigneeId: null,
    input: null,
    comment: null,
    ...fields,
  });

  const append = (id: string, ...entries: NewHistoryEntry[]) =>
    db.transactions.run(async (manager) => {
      for (const entry of entries) await instances.appendHistory(id, entry, manager);
    });

  describe('insert', () => {
    it('stores a new instance at version 1 in the state given, with its data', async () => {
      const published = await insertDefinition(db.dataSource);
      const initiator = await insertUser(db.dataSource);
      const data = { amount: 120, lines: [{ sku: 'A-1' }] };
      const created = await db.transactions.run((manager) =>
        instances.insert(
          { definitionKey: published.key, definitionVersion: 1, state: 'draft', data, initiatorId: initiator.id },
          manager,
        ),
      );
      expect(created).toMatchObject({
        definitionKey: published.key,
        definitionVersion: 1,
        state: 'draft',
        terminal: false,
        data,
        initiatorId: initiator.id,
        assigneeIds: [],
        stateEnteredSeq: 1,
        version: 1,
      });
      // Millisecond precision: list cursors carry JavaScript dates.
      const [{ micros }] = await db.dataSource.query<{ micros: number }[]>(
        `SELECT extract(microseconds FROM created_at)::int % 1000 AS micros FROM workflow_instances WHERE id = $1`,
        [created.id],
      );
      expect(micros).toBe(0);
      expect((await instances.findById(created.id, initiator.id))?.instance).toEqual(created);
    });

    it('stores undefined data as null', async () => {
      const published = await insertDefinition(db.dataSource);
      const initiator = await insertUser(db.dataSource);
      const created = await db.transactions.run((manager) =>
        instances.insert(
          { definitionKey: published.key, definitionVersion: 1, state: 'draft', data: undefined, initiatorId: initiator.id }, // prettier-ignore
          manager,
        ),
      );
      expect(created.data).toBeNull();
    });

    it.each([
      ['a definition version never published', (published: PublishedRow) => ({ definitionVersion: published.version + 1 })], // prettier-ignore
      ['an initiator who is not a user', () => ({ initiatorId: randomUUID() })],
    ])('refuses %s (foreign key)', async (_case, change) => {
      const published = await insertDefinition(db.dataSource);
      const initiator = await insertUser(db.dataSource);
      const instance = { definitionKey: published.key, definitionVersion: 1, state: 'draft', data: null, initiatorId: initiator.id }; // prettier-ignore
      await expect(
        db.transactions.run((manager) => instances.insert({ ...instance, ...change(published) }, manager)),
      ).rejects.toMatchObject({ driverError: { code: SQL_STATE.foreignKeyViolation } });
    });

    it('rolls back with its history line and outbox event when the unit of work fails', async () => {
      const published = await insertDefinition(db.dataSource);
      const initiator = await insertUser(db.dataSource);
      let id = '';
      await expect(
        db.transactions.run(async (manager) => {
          ({ id } = await instances.insert(
            { definitionKey: published.key, definitionVersion: 1, state: 'draft', data: null, initiatorId: initiator.id }, // prettier-ignore
            manager,
          ));
          await instances.appendHistory(id, line(1, initiator.id, { kind: 'started', transition: null }), manager);
          await instances.appendOutbox({ topic: 'workflow.started', aggregateId: id, payload: { id } }, manager);
          throw new Error('the audit write failed');
        }),
      ).rejects.toThrow('the audit write failed');
      expect(id).not.toBe('');
      expect(await instances.findById(id, initiator.id)).toBeUndefined();
      expect(await instances.history(id, 0, 10)).toEqual([]);
      expect(await db.dataSource.query(`SELECT 1 FROM outbox_events WHERE aggregate_id = $1`, [id])).toEqual([]);
    });
  });

  describe('findById', () => {
    it('is undefined for an absent instance', async () => {
      expect(await instances.findById(randomUUID(), randomUUID())).toBeUndefined();
    });

    it('tells whether the viewer takes part, and lists the assignees in the order assigned', async () => {
      const { initiator, id } = await started();
      const [first, second, stranger] = [
        await insertUser(db.dataSource),
        await insertUser(db.dataSource),
        await insertUser(db.dataSource),
      ];
      await db.transactions.run((manager) => people.assign(id, second.id, initiator.id, manager));
      await db.transactions.run((manager) => people.assign(id, first.id, initiator.id, manager));
      const asInitiator = await instances.findById(id, initiator.id);
      expect(asInitiator).toMatchObject({ viewerParticipates: true, instance: { id, assigneeIds: [second.id, first.id] } }); // prettier-ignore
      expect((await instances.findById(id, stranger.id))?.viewerParticipates).toBe(false);
    });
  });

  describe('lockWithPast', () => {
    it('is undefined for an absent instance', async () => {
      const found = await db.transactions.run((manager) => instances.lockWithPast(randomUUID(), randomUUID(), manager));
      expect(found).toBeUndefined();
    });

    it('reads the instance and its past in the statement that locks it', async () => {
      const { initiator, id } = await started();
      await db.transactions.run((manager) => instances.appendHistory(id, line(1, initiator.id), manager));
      const locked = await db.transactions.run((manager) => instances.lockWithPast(id, initiator.id, manager));
      expect(locked?.viewed).toMatchObject({ viewerParticipates: true, instance: { id, version: 1 } });
      expect(locked?.past).toEqual(await instances.past(id));
      expect(locked?.past).toMatchObject({ lastSeq: 1, actorsByTransition: { submit: [initiator.id] } });
      expect(locked?.past.enteredAt).toBeInstanceOf(Date);
    });

    it('queues a second change behind the first, which then reads the instance and past as the first left them', async () => {
      const { initiator, id } = await started();
      const claimer = await insertUser(db.dataSource, { tokenRoles: ['approver'] });
      const first = await db.openUnit();
      const second = await db.openUnit();
      const locked = await instances.lockWithPast(id, claimer.id, first.manager);
      expect(locked?.viewed).toMatchObject({ viewerParticipates: false, instance: { version: 1, assigneeIds: [] } });
      expect(locked?.past.lastSeq).toBe(0);
      const queued = instances.lockWithPast(id, initiator.id, second.manager);
      await db.waitUntilBlocked(second, first);
      await people.assign(id, claimer.id, claimer.id, first.manager);
      await instances.touch(locked!.viewed.instance, first.manager);
      await instances.appendHistory(id, line(1, claimer.id), first.manager);
      await first.commit();
      // The assignees and the history too, not only the row: a claim queued behind another sees it was taken.
      const after = await queued;
      expect(after?.viewed).toMatchObject({ viewerParticipates: true, instance: { version: 2, assigneeIds: [claimer.id] } }); // prettier-ignore
      expect(after?.past).toMatchObject({ lastSeq: 1, actorsByTransition: { submit: [claimer.id] } });
      await second.rollback();
    });

    it('holds up no change to another instance', async () => {
      const [one, other] = [await started(), await started()];
      const first = await db.openUnit();
      const second = await db.openUnit();
      try {
        await instances.lockWithPast(one.id, one.initiator.id, first.manager);
        expect((await instances.lockWithPast(other.id, other.initiator.id, second.manager))?.viewed).toMatchObject({
          instance: { id: other.id },
        });
      } finally {
        await Promise.all([first.rollback(), second.rollback()]);
      }
    });
  });

  describe('update and touch', () => {
    it('moves the state, starting a new visit at the line given, and bumps the version', async () => {
      const { id } = await started();
      const before = (await instances.findById(id, randomUUID()))!.instance;
      const moved = await db.transactions.run((manager) =>
        instances.update(id, { state: 'review', terminal: false, enteredSeq: 2 }, manager),
      );
      expect(moved).toMatchObject({ state: 'review', terminal: false, stateEnteredSeq: 2, version: 2 });
      expect(moved.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
      const voted = await db.transactions.run((manager) =>
        instances.update(id, { state: 'review', terminal: false }, manager),
      );
      expect(voted).toMatchObject({ state: 'review', stateEnteredSeq: 2, version: 3 });
      const touched = await db.transactions.run((manager) => instances.touch(voted, manager));
      expect(touched).toMatchObject({ state: 'review', stateEnteredSeq: 2, version: 4 });
    });

    it('refuses any change to an instance in a terminal state, whoever writes (terminal guard)', async () => {
      const { id } = await started();
      const done = await db.transactions.run((manager) =>
        instances.update(id, { state: 'approved', terminal: true, enteredSeq: 3 }, manager),
      );
      expect(done).toMatchObject({ terminal: true, version: 2 });
      for (const change of [
        (manager: EntityManager) => instances.touch(done, manager),
        (manager: EntityManager) => instances.update(id, { state: 'draft', terminal: false, enteredSeq: 4 }, manager),
      ]) {
        await expect(db.transactions.run(change)).rejects.toMatchObject({
          driverError: { code: SQL_STATE.integrityConstraintViolation },
        });
      }
      expect((await instances.findById(id, randomUUID()))?.instance).toEqual(done);
    });
  });

  describe('writeStep and holdStep', () => {
    /** `submit` by the initiator: draft → review, entering at line 1. */
    const submitStep = (id: string, actorId: string): InstanceStep => ({
      instanceId: id,
      change: { state: 'review', terminal: false, enteredSeq: 1 },
      participantId: actorId,
      history: line(1, actorId),
      event: { topic: 'workflow.moved', payload: { id, to: 'review' } },
    });
    const traces = async (id: string) => ({
      history: (await instances.history(id, 0, 10)).length,
      outbox: Number(
        (await db.dataSource.query(`SELECT count(*) AS n FROM outbox_events WHERE aggregate_id = $1`, [id]))[0].n,
      ),
    });
    /** The instance as the step leaves it, known from the locked row and the unit's `now()`. */
    const expectedAfter = (instance: WorkflowInstance, unitNow: Date): WorkflowInstance => ({
      ...instance,
      state: 'review',
      stateEnteredSeq: 1,
      version: instance.version + 1,
      updatedAt: unitNow,
    });

    it('holds a step back for the commit; the row it leaves is the one the lock let it predict', async () => {
      const { initiator, id } = await started();
      const expected = await db.transactions.run(async (manager) => {
        const locked = (await instances.lockWithPast(id, initiator.id, manager))!;
        const after = expectedAfter(locked.viewed.instance, locked.unitNow);
        await instances.holdStep(submitStep(id, initiator.id), after, manager);
        return after;
      });
      expect((await instances.findById(id, initiator.id))?.instance).toEqual(expected);
      expect(await traces(id)).toEqual({ history: 1, outbox: 1 });
    });

    it('answers the same row as the written-and-read-back step', async () => {
      const [held, written] = [await started(), await started()];
      const predicted = await db.transactions.run(async (manager) => {
        const locked = (await instances.lockWithPast(held.id, held.initiator.id, manager))!;
        return expectedAfter(locked.viewed.instance, locked.unitNow);
      });
      const readBack = await db.transactions.run((manager) =>
        instances.writeStep(submitStep(written.id, written.initiator.id), manager),
      );
      // Two instances of two definitions: what differs by construction is left out.
      const comparable = (instance: WorkflowInstance) => {
        const { state, terminal, data, stateEnteredSeq, version, assigneeIds, assignedRole, pendingTimers } = instance;
        return { state, terminal, data, stateEnteredSeq, version, assigneeIds, assignedRole, pendingTimers };
      };
      expect(comparable(readBack)).toEqual(comparable(predicted));
    });

    it('fails the unit when the row written is not the one claimed, and nothing of the step is kept', async () => {
      const { initiator, id } = await started();
      const before = (await instances.findById(id, initiator.id))?.instance;
      await expect(
        db.transactions.run(async (manager) => {
          const locked = (await instances.lockWithPast(id, initiator.id, manager))!;
          const wrong = { ...expectedAfter(locked.viewed.instance, locked.unitNow), version: 7 };
          await instances.holdStep(submitStep(id, initiator.id), wrong, manager);
        }),
      ).rejects.toMatchObject({ driverError: { code: '22012' } });
      expect((await instances.findById(id, initiator.id))?.instance).toEqual(before);
      expect(await traces(id)).toEqual({ history: 0, outbox: 0 });
    });
  });

  describe('history and past', () => {
    it('reads the history oldest first, after a line, a page at a time', async () => {
      const { initiator, id } = await started();
      const approver = await insertUser(db.dataSource, { tokenRoles: ['approver'] });
      await append(
        id,
        line(1, initiator.id, { kind: 'started', transition: null, fromState: null, toState: 'draft' }),
        line(2, initiator.id, { input: { note: 'please' }, comment: 'sent' }),
        line(3, initiator.id, { kind: 'assigned', transition: null, fromState: null, assigneeId: approver.id }),
        line(4, approver.id, { transition: 'approve', fromState: 'review', toState: 'approved' }),
      );
      const all = await instances.history(id, 0, 10);
      expect(all.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
      expect(all[1]).toMatchObject({ kind: 'moved', transition: 'submit', input: { note: 'please' }, comment: 'sent' });
      expect(all[2]).toMatchObject({ kind: 'assigned', transition: null, assigneeId: approver.id, input: null });
      expect(all[0].occurredAt).toBeInstanceOf(Date);
      expect((await instances.history(id, 1, 2)).map((entry) => entry.seq)).toEqual([2, 3]);
      expect(await instances.history(id, 4, 10)).toEqual([]);
    });

    it('refuses a second line with the same number: two writers that both read the last one', async () => {
      const { initiator, id } = await started();
      await append(id, line(1, initiator.id, { kind: 'started', transition: null }));
      await expect(append(id, line(2, initiator.id), line(2, initiator.id))).rejects.toMatchObject({
        driverError: { code: SQL_STATE.uniqueViolation },
      });
      expect((await instances.past(id)).lastSeq).toBe(1);
    });

    it.each([
      ['a move without its transition', { transition: null }, SQL_STATE.checkViolation],
      ['an assignment without its assignee', { kind: 'assigned' as const, transition: null }, SQL_STATE.checkViolation],
      ['an actor who is not a user', { actorId: randomUUID() }, SQL_STATE.foreignKeyViolation],
    ])('refuses %s', async (_case, fields, code) => {
      const { initiator, id } = await started();
      await expect(append(id, line(1, initiator.id, fields))).rejects.toMatchObject({ driverError: { code } });
    });

    it.each([
      ['UPDATE', `UPDATE workflow_history SET comment = 'rewritten' WHERE instance_id = $1`],
      ['DELETE', `DELETE FROM workflow_history WHERE instance_id = $1`],
    ])('refuses to %s a history line (append-only, whoever asks)', async (_operation, sql) => {
      const { initiator, id } = await started();
      await append(id, line(1, initiator.id, { kind: 'started', transition: null }));
      await expect(db.dataSource.query(sql, [id])).rejects.toMatchObject({
        driverError: { code: SQL_STATE.insufficientPrivilege },
      });
      expect(await instances.history(id, 0, 10)).toHaveLength(1);
    });

    it('knows nothing of an instance without history', async () => {
      const { id } = await started();
      expect(await instances.past(id)).toEqual({ lastSeq: 0, actorsByTransition: {}, votes: {} });
    });

    it("counts everyone's actions, and only this visit's votes, whatever the transitions are called", async () => {
      const { initiator, id } = await started();
      const [a, b, c] = [await insertUser(db.dataSource), await insertUser(db.dataSource), await insertUser(db.dataSource)]; // prettier-ignore
      const vote = (seq: number, actorId: string) =>
        line(seq, actorId, { kind: 'voted', transition: 'constructor', fromState: 'review', toState: 'review' });
      await append(
        id,
        line(1, initiator.id, { kind: 'started', transition: null }),
        line(2, initiator.id, { transition: 'toString' }),
        vote(3, a.id),
        line(4, b.id, { transition: 'back', fromState: 'review', toState: 'draft' }),
        line(5, initiator.id, { transition: 'toString' }),
        vote(6, c.id),
        line(7, b.id, { kind: 'assigned', transition: null, assigneeId: c.id }),
      );
      const past = await instances.past(id);
      expect(past.lastSeq).toBe(7);
      expect({ ...past.actorsByTransition }).toEqual({
        toString: [initiator.id, initiator.id],
        constructor: [a.id, c.id],
        back: [b.id],
      });
      expect({ ...past.votes }).toEqual({ constructor: [c.id] });
    });

    it('reads only the current visit whole, and of the lines before it who took what: the same past as the whole history', async () => {
      const { initiator, id } = await started();
      const [a, b] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      const vote = (seq: number, actorId: string) =>
        line(seq, actorId, { kind: 'voted', transition: 'sign', fromState: 'review', toState: 'review' });
      const back = (seq: number) => line(seq, b.id, { transition: 'back', fromState: 'review', toState: 'draft' });
      const submit = (seq: number) => line(seq, initiator.id, { transition: 'submit' });
      await append(
        id,
        line(1, initiator.id, { kind: 'started', transition: null }),
        ...[2, 4, 6].flatMap((seq) => [submit(seq), back(seq + 1)]), // three round trips, the same people
        vote(8, a.id),
        back(9),
        submit(10), // the current visit starts here
        vote(11, b.id),
        line(12, b.id, { kind: 'assigned', transition: null, assigneeId: a.id }),
      );
      await db.dataSource.query('UPDATE workflow_instances SET state_entered_seq = 10 WHERE id = $1', [id]);
      const whole = pastOf(await instances.history(id, 0, 100));

      const past = await instances.past(id);
      const locked = await db.transactions.run((manager) => instances.lockWithPast(id, initiator.id, manager));
      expect(locked?.past).toEqual(past);
      expect({ lastSeq: past.lastSeq, enteredAt: past.enteredAt, votes: { ...past.votes } }).toEqual({
        lastSeq: 12,
        enteredAt: whole.enteredAt,
        votes: { sign: [b.id] }, // a's vote was in an earlier visit
      });
      // Separation of duties asks whether someone took a transition: each person once per earlier
      // transition, then the visit's own lines.
      expect({ ...past.actorsByTransition }).toEqual({
        submit: [initiator.id, initiator.id],
        back: [b.id],
        sign: expect.arrayContaining([a.id, b.id]),
      });
      for (const [transition, actors] of Object.entries(whole.actorsByTransition)) {
        expect(new Set(past.actorsByTransition[transition])).toEqual(new Set(actors));
      }
    });

    it('reads on the open unit of work: a transition sees the lines it has just appended', async () => {
      const { initiator, id } = await started();
      const lastSeq = await db.transactions.run(async (manager) => {
        await instances.appendHistory(id, line(1, initiator.id, { kind: 'started', transition: null }), manager);
        return (await instances.past(id)).lastSeq;
      });
      expect(lastSeq).toBe(1);
    });
  });

  it('appends an outbox event for the worker, undelivered', async () => {
    const { id } = await started();
    await db.transactions.run((manager) =>
      instances.appendOutbox({ topic: 'workflow.moved', aggregateId: id, payload: { id, to: 'review' } }, manager),
    );
    const rows = await db.dataSource.query(
      `SELECT topic, aggregate_type, payload, delivered_at FROM outbox_events WHERE aggregate_id = $1`,
      [id],
    );
    expect(rows).toEqual([
      { topic: 'workflow.moved', aggregate_type: 'workflow', payload: { id, to: 'review' }, delivered_at: null },
    ]);
  });

  it('lists every published definition version, with numeric versions', async () => {
    const published = await insertDefinition(db.dataSource);
    await insertDefinition(db.dataSource, { ...published.definition });
    const versions = (await instances.definitionVersions()).filter((entry) => entry.key === published.key);
    expect(versions.sort((x, y) => x.version - y.version)).toEqual([
      { key: published.key, version: 1 },
      { key: published.key, version: 2 },
    ]);
  });

  describe('list', () => {
    /** Five instances of one definition: three created in one millisecond (the id breaks the tie). */
    async function fiveInstances() {
      const published = await insertDefinition(db.dataSource);
      const [alice, bob] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      const at = (ms: number) => new Date(Date.parse('2026-06-01T10:00:00.000Z') + ms);
      const rows = [
        await insertInstance(db.dataSource, published, alice.id, { createdAt: at(0) }),
        await insertInstance(db.dataSource, published, bob.id, { createdAt: at(5), state: 'review' }),
        await insertInstance(db.dataSource, published, alice.id, { createdAt: at(5) }),
        await insertInstance(db.dataSource, published, bob.id, { createdAt: at(5) }),
        await insertInstance(db.dataSource, published, alice.id, { createdAt: at(9), state: 'review' }),
      ];
      const newestFirst = [...rows]
        .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x.id < y.id ? 1 : -1))
        .map((row) => row.id);
      return { published, alice, bob, rows, newestFirst };
    }

    const ids = async (filter: InstanceListFilter) => (await instances.list(filter)).map((row) => row.id);

    it('pages newest first, ties broken by id, each instance exactly once', async () => {
      const { published, newestFirst } = await fiveInstances();
      const seen: string[] = [];
      let after: InstanceListFilter['after'];
      for (;;) {
        const page = await instances.list({ definitionKey: published.key, scope: { kind: 'everything' }, after, limit: 2 }); // prettier-ignore
        seen.push(...page.map((row) => row.id));
        if (page.length < 2) break;
        const last = page[page.length - 1];
        after = { createdAt: last.createdAt.toISOString(), id: last.id };
      }
      expect(seen).toEqual(newestFirst);
    });

    it('filters by state and by initiator', async () => {
      const { published, alice, rows, newestFirst } = await fiveInstances();
      const inOrder = (wanted: { id: string }[]) => newestFirst.filter((id) => wanted.some((row) => row.id === id));
      const everything = { kind: 'everything' } as const;
      expect(await ids({ definitionKey: published.key, state: 'review', scope: everything, limit: 10 })).toEqual(
        inOrder([rows[1], rows[4]]),
      );
      expect(await ids({ definitionKey: published.key, initiatorId: alice.id, scope: everything, limit: 10 })).toEqual(
        inOrder([rows[0], rows[2], rows[4]]),
      );
    });

    it('shows a person who sees by participation only the instances they take part in', async () => {
      const { published, bob, rows, newestFirst } = await fiveInstances();
      const stranger = await insertUser(db.dataSource);
      const visibleTo = (userId: string) =>
        ids({ definitionKey: published.key, scope: { kind: 'visible', userId, rules: [], heldRoles: [], openPlaces: [] }, limit: 10 }); // prettier-ignore
      expect(await visibleTo(bob.id)).toEqual(newestFirst.filter((id) => id === rows[1].id || id === rows[3].id));
      expect(await visibleTo(stranger.id)).toEqual([]);
    });
  });
});
