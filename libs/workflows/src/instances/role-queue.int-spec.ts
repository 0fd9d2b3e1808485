import { randomUUID } from 'node:crypto';
import type { Role } from '@flowgate/roles';
import {
  connectRunDatabase,
  insertDefinition,
  insertInstance,
  insertUser,
  type PublishedRow,
  type RunDatabase,
  SQL_STATE,
} from '@flowgate/testing';
import type { EntityManager } from 'typeorm';
import { InstancePeopleRepository } from './instance-people.repository';
import { buildInstanceListQuery } from './instance-list-query';
import { listScope } from './list-scope';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/**
 * Role queues in the tables (docs/workflows.md "Assignment on entry"): the queue recorded on the
 * instance and in history, ended by leaving the state, never on a finished instance, and "waiting
 * for me" listing queued work for whoever holds the role (or one that implies it) until someone is
 * assigned. On the run's database, with a definition of its own per test.
 */
describe('Role queues (real PostgreSQL)', () => {
  let db: RunDatabase;
  let people: InstancePeopleRepository;
  let instances: WorkflowInstancesRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('role-queue-spec');
    people = new InstancePeopleRepository();
    instances = new WorkflowInstancesRepository(db.transactions);
  });

  afterAll(() => db?.close());

  const inUnit = <T>(work: (manager: EntityManager) => Promise<T>) => db.transactions.run(work);

  /** `triage` is queued to approvers; `resolve` is for its assignee (a requester would do, but for the queue). */
  const publish = () =>
    insertDefinition(db.dataSource, {
      key: `queue-${randomUUID().slice(0, 8)}`,
      title: 'Triage',
      states: [
        { name: 'triage', initial: true, assignTo: { role: 'approver' } },
        { name: 'follow_up' },
        { name: 'done', terminal: true },
      ],
      transitions: [
        { name: 'resolve', from: 'triage', to: 'follow_up', role: 'requester', actor: 'assignee' },
        { name: 'close', from: 'follow_up', to: 'done', actor: 'initiator' },
      ],
    });

  /** An instance in `triage`, queued there as a start would queue it. */
  async function queued(published: PublishedRow): Promise<string> {
    const initiator = await insertUser(db.dataSource, { tokenRoles: ['requester'] });
    const { id } = await insertInstance(db.dataSource, published, initiator.id);
    await inUnit((manager) => people.queueToRole(id, 'approver', manager));
    return id;
  }

  const viewer = async (id: string) => (await instances.findById(id, randomUUID()))!.instance;

  it('records the queue on the instance, and an `assigned` line naming the role and no person', async () => {
    const id = await queued(await publish());
    expect(await viewer(id)).toMatchObject({ state: 'triage', assignedRole: 'approver', assigneeIds: [] });
    await inUnit((manager) =>
      instances.appendHistory(
        id,
        { seq: 1, kind: 'assigned', transition: null, fromState: null, toState: 'triage', actorId: null, assigneeId: null, assignedRole: 'approver', input: null, comment: null }, // prettier-ignore
        manager,
      ),
    );
    expect(await instances.history(id, 0, 10)).toEqual([
      expect.objectContaining({ kind: 'assigned', actorId: null, assigneeId: null, assignedRole: 'approver' }),
    ]);
  });

  it.each([
    ['a role and a person at once', 'assigned', 'person'],
    ['a role on an unassignment', 'unassigned', 'none'],
    ['a role by a person rather than the system', 'assigned', 'actor'],
  ])('refuses a history line with %s (check constraint)', async (_name, kind, extra) => {
    const id = await queued(await publish());
    const user = await insertUser(db.dataSource);
    const line = {
      seq: 1,
      kind: kind as 'assigned' | 'unassigned',
      transition: null,
      fromState: null,
      toState: 'triage',
      actorId: extra === 'actor' ? user.id : null,
      assigneeId: extra === 'person' || kind === 'unassigned' ? user.id : null,
      assignedRole: 'approver' as Role,
      input: null,
      comment: null,
    };
    await expect(inUnit((manager) => instances.appendHistory(id, line, manager))).rejects.toMatchObject({
      driverError: { code: SQL_STATE.checkViolation },
    });
  });

  it('ends the queue with the people assigned when the instance leaves the state, for that instance only', async () => {
    const published = await publish();
    const [id, other] = [await queued(published), await queued(published)];
    const approver = await insertUser(db.dataSource, { tokenRoles: ['approver'] });
    await inUnit((manager) => people.assign(id, approver.id, approver.id, manager));
    const moved = await inUnit(async (manager) => {
      await people.clearAssignments(id, manager);
      return instances.update(id, { state: 'follow_up', terminal: false, enteredSeq: 2 }, manager);
    });
    expect(moved).toMatchObject({ state: 'follow_up', assignedRole: null, assigneeIds: [] });
    expect(await viewer(other)).toMatchObject({ assignedRole: 'approver' });
  });

  it('refuses a queue on a finished instance (check constraint)', async () => {
    const published = await publish();
    const initiator = await insertUser(db.dataSource);
    const { id } = await insertInstance(db.dataSource, published, initiator.id, { state: 'follow_up' });
    await expect(
      inUnit(async (manager) => {
        await people.queueToRole(id, 'approver', manager);
        await instances.update(id, { state: 'done', terminal: true, enteredSeq: 2 }, manager);
      }),
    ).rejects.toMatchObject({ driverError: { code: SQL_STATE.checkViolation } });
  });

  describe('waiting for me', () => {
    async function waitingFor(published: PublishedRow, userId: string, roles: Role[]): Promise<string[]> {
      const scope = listScope([published], { userId, roles }, true);
      const rows = await instances.list({ definitionKey: published.key, scope, limit: 50 });
      // Instances created in the same millisecond are ordered by id: compare as sets.
      return rows.map((row) => row.id).sort();
    }

    async function visibleTo(published: PublishedRow, userId: string, roles: Role[]): Promise<string[]> {
      const scope = listScope([published], { userId, roles }, false);
      const rows = await instances.list({ definitionKey: published.key, scope, limit: 50 });
      return rows.map((row) => row.id);
    }

    it('lists queued work for holders of the role and of roles that imply it, not for anyone else', async () => {
      const published = await publish();
      const id = await queued(published);
      const me = randomUUID();
      expect(await waitingFor(published, me, ['approver'])).toEqual([id]);
      expect(await waitingFor(published, me, ['admin'])).toEqual([id]);
      expect(await waitingFor(published, me, ['requester'])).toEqual([]);
      expect(await waitingFor(published, me, ['auditor'])).toEqual([]);
      expect(await waitingFor(published, me, ['viewer'])).toEqual([]);
      // Whoever may claim may see it; a requester, who could resolve it were it not queued, may not.
      expect(await visibleTo(published, me, ['approver'])).toEqual([id]);
      expect(await visibleTo(published, me, ['requester'])).toEqual([]);
    });

    it('waits for the person assigned once someone is, and no longer for the rest of the role', async () => {
      const published = await publish();
      const [id, still] = [await queued(published), await queued(published)];
      const [approver, other] = [
        await insertUser(db.dataSource, { tokenRoles: ['approver'] }),
        await insertUser(db.dataSource, { tokenRoles: ['approver'] }),
      ];
      // As a claim writes it: the assignment, and the assignee among the participants.
      const claimed = await viewer(id);
      await inUnit(async (manager) => {
        await people.assign(id, approver.id, approver.id, manager);
        await people.addParticipants(claimed, [approver.id], manager);
      });
      expect(await waitingFor(published, approver.id, ['approver'])).toEqual([still, id].sort());
      expect(await waitingFor(published, other.id, ['approver'])).toEqual([still]);
      expect(await waitingFor(published, randomUUID(), ['admin'])).toEqual([still]);
      // Unassigned again, it is back in the queue for everyone holding the role.
      await inUnit((manager) => people.unassign(id, approver.id, manager));
      expect(await waitingFor(published, other.id, ['approver'])).toEqual([still, id].sort());
    });

    it('walks each queued place through the place index, newest first, stopping at the page', async () => {
      const published = await publish();
      await queued(published);
      const scope = listScope([published], { userId: randomUUID(), roles: ['approver'] }, true);
      expect(scope).toMatchObject({ queuePlaces: [{ key: published.key, version: published.version, state: 'triage' }] }); // prettier-ignore
      const { text, values } = buildInstanceListQuery({ scope, limit: 51 });
      const plan = await db.dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (COSTS OFF) ${text}`, values);
      const lines = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(lines).toMatch(/Index Scan using workflow_instances_place_idx on workflow_instances/);
      expect(lines).not.toMatch(/Seq Scan on workflow_instances/);
    });

    it('lists nothing once the state is left', async () => {
      const published = await publish();
      const id = await queued(published);
      await inUnit(async (manager) => {
        await people.clearAssignments(id, manager);
        await instances.update(id, { state: 'follow_up', terminal: false, enteredSeq: 2 }, manager);
      });
      expect(await waitingFor(published, randomUUID(), ['approver'])).toEqual([]);
    });
  });
});
