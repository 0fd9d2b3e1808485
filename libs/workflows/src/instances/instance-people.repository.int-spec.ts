import { randomUUID } from 'node:crypto';
import {
  connectRunDatabase,
  insertDefinition,
  insertInstance,
  insertUser,
  type RunDatabase,
  SQL_STATE,
  type UserRow,
} from '@flowgate/testing';
import type { EntityManager } from 'typeorm';
import { InstancePeopleRepository } from './instance-people.repository';
import type { WorkflowInstance } from './workflow-instance';

/** On the run's database: every test starts instances of its own. */
describe('InstancePeopleRepository (real PostgreSQL)', () => {
  let db: RunDatabase;
  let people: InstancePeopleRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('instance-people-repository-spec');
    people = new InstancePeopleRepository();
  });

  afterAll(() => db?.close());

  /** An instance and its initiator (already a participant, as a start makes them). */
  async function instance(): Promise<{ id: string; createdAt: Date; initiator: UserRow }> {
    const initiator = await insertUser(db.dataSource);
    const { id, createdAt } = await insertInstance(db.dataSource, await insertDefinition(db.dataSource), initiator.id);
    return { id, createdAt, initiator };
  }

  /** What `addParticipants` reads of the instance. */
  const stored = (row: { id: string; createdAt: Date }) =>
    ({ id: row.id, createdAt: row.createdAt }) as WorkflowInstance;

  const inUnit = <T>(work: (manager: EntityManager) => Promise<T>) => db.transactions.run(work);

  const assignees = async (instanceId: string) =>
    (
      await db.dataSource.query<{ user_id: string; assigned_by: string }[]>(
        `SELECT user_id, assigned_by FROM workflow_assignments WHERE instance_id = $1 ORDER BY user_id`,
        [instanceId],
      )
    ).map((row) => ({ userId: row.user_id, assignedBy: row.assigned_by }));

  const participants = async (instanceId: string) =>
    db.dataSource.query<{ user_id: string; instance_created_at: Date }[]>(
      `SELECT user_id, instance_created_at FROM workflow_participants WHERE instance_id = $1 ORDER BY user_id`,
      [instanceId],
    );

  describe('assign and unassign', () => {
    it('assigns a person once (true, then false), recording who assigned them', async () => {
      const { id, initiator } = await instance();
      const approver = await insertUser(db.dataSource);
      expect(await inUnit((manager) => people.assign(id, approver.id, initiator.id, manager))).toBe(true);
      expect(await inUnit((manager) => people.assign(id, approver.id, approver.id, manager))).toBe(false);
      expect(await assignees(id)).toEqual([{ userId: approver.id, assignedBy: initiator.id }]);
    });

    it('unassigns a person who was assigned (true), and no one else (false)', async () => {
      const { id, initiator } = await instance();
      const [kept, removed] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      await inUnit(async (manager) => {
        await people.assign(id, kept.id, initiator.id, manager);
        await people.assign(id, removed.id, initiator.id, manager);
      });
      expect(await inUnit((manager) => people.unassign(id, removed.id, manager))).toBe(true);
      expect(await inUnit((manager) => people.unassign(id, removed.id, manager))).toBe(false);
      expect(await inUnit((manager) => people.unassign(id, initiator.id, manager))).toBe(false);
      expect(await assignees(id)).toEqual([{ userId: kept.id, assignedBy: initiator.id }]);
    });

    it.each([
      ['a person who is not a user', 'assignee'],
      ['by someone who is not a user', 'assigner'],
      ['on an instance that does not exist', 'instance'],
    ])('refuses to assign %s (foreign key)', async (_case, unknown) => {
      const { id, initiator } = await instance();
      const assignee = await insertUser(db.dataSource);
      const [instanceId, userId, assignedBy] = [
        unknown === 'instance' ? randomUUID() : id,
        unknown === 'assignee' ? randomUUID() : assignee.id,
        unknown === 'assigner' ? randomUUID() : initiator.id,
      ];
      await expect(inUnit((manager) => people.assign(instanceId, userId, assignedBy, manager))).rejects.toMatchObject({
        driverError: { code: SQL_STATE.foreignKeyViolation },
      });
    });

    it('makes a concurrent assignment of the same person wait, then report it already made', async () => {
      const { id, initiator } = await instance();
      const approver = await insertUser(db.dataSource);
      const first = await db.openUnit();
      const second = await db.openUnit();
      expect(await people.assign(id, approver.id, initiator.id, first.manager)).toBe(true);
      const racing = people.assign(id, approver.id, approver.id, second.manager);
      await db.waitUntilBlocked(second, first);
      await first.commit();
      expect(await racing).toBe(false);
      await second.commit();
      expect(await assignees(id)).toEqual([{ userId: approver.id, assignedBy: initiator.id }]);
    });

    it('clears the assignments of that instance only', async () => {
      const [one, other] = [await instance(), await instance()];
      const [a, b] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      await inUnit(async (manager) => {
        await people.assign(one.id, a.id, one.initiator.id, manager);
        await people.assign(one.id, b.id, one.initiator.id, manager);
        await people.assign(other.id, a.id, other.initiator.id, manager);
      });
      await inUnit((manager) => people.clearAssignments(one.id, manager));
      expect(await assignees(one.id)).toEqual([]);
      expect(await assignees(other.id)).toEqual([{ userId: a.id, assignedBy: other.initiator.id }]);
    });
  });

  describe('addParticipants', () => {
    it("adds each person once, with the instance's creation time for the list's keyset", async () => {
      const row = await instance();
      const [a, b] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      await inUnit((manager) => people.addParticipants(stored(row), [a.id, a.id, row.initiator.id], manager));
      await inUnit((manager) => people.addParticipants(stored(row), [b.id, a.id], manager));
      const rows = await participants(row.id);
      expect(rows.map((participant) => participant.user_id)).toEqual([a.id, b.id, row.initiator.id].sort());
      expect(rows.every((participant) => participant.instance_created_at.getTime() === row.createdAt.getTime())).toBe(
        true,
      );
    });

    it('refuses a participant who is not a user (foreign key)', async () => {
      const row = await instance();
      await expect(
        inUnit((manager) => people.addParticipants(stored(row), [randomUUID()], manager)),
      ).rejects.toMatchObject({ driverError: { code: SQL_STATE.foreignKeyViolation } });
    });
  });

  it('writes nothing when the unit of work it wrote in rolls back', async () => {
    const row = await instance();
    const [a, b] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
    await inUnit((manager) => people.assign(row.id, a.id, row.initiator.id, manager));
    await expect(
      inUnit(async (manager) => {
        await people.clearAssignments(row.id, manager);
        await people.assign(row.id, b.id, row.initiator.id, manager);
        await people.addParticipants(stored(row), [b.id], manager);
        throw new Error('the history line failed');
      }),
    ).rejects.toThrow('the history line failed');
    expect(await assignees(row.id)).toEqual([{ userId: a.id, assignedBy: row.initiator.id }]);
    expect((await participants(row.id)).map((participant) => participant.user_id)).toEqual([row.initiator.id]);
  });
});
