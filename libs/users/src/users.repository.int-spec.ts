import { randomUUID } from 'node:crypto';
import {
  connectRunDatabase,
  createScratchDatabase,
  insertUser,
  type RunDatabase,
  SQL_STATE,
  uniqueSuffix,
  unitsOfWorkOn,
} from '@flowgate/testing';
import type { EntityManager } from 'typeorm';
import { RoleGrantEntity } from './entities/role-grant.entity';
import { UserEntity } from './entities/user.entity';
import { orderMigrations } from '@flowgate/core';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { USERS_MIGRATIONS } from './migrations';
import { type SightedIdentity, UsersRepository } from './users.repository';

/** On the run's database, beside every other spec: each test makes its own users and looks only at them. */
describe('UsersRepository (real PostgreSQL)', () => {
  let db: RunDatabase;
  let users: UsersRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('users-repository-spec', [UserEntity, RoleGrantEntity]);
    users = new UsersRepository(db.transactions);
  });

  afterAll(() => db?.close());

  const versionOf = async (id: string) =>
    Number((await db.dataSource.query(`SELECT version FROM users WHERE id = $1`, [id]))[0].version);

  const identity = (fields: Partial<SightedIdentity> = {}): SightedIdentity => ({
    tenantId: randomUUID(),
    objectId: randomUUID(),
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    tokenRoles: ['requester'],
    ...fields,
  });

  describe('findSighted', () => {
    it('is undefined for an identity never seen', async () => {
      expect(await users.findSighted(randomUUID(), randomUUID())).toBeUndefined();
    });

    it('reads the access fields and the granted roles, sorted, in one read', async () => {
      const user = await insertUser(db.dataSource, { tokenRoles: ['viewer'], displayName: 'Grace' });
      const admin = await insertUser(db.dataSource);
      await db.dataSource.query(
        `INSERT INTO role_grants (user_id, role, granted_by) VALUES ($1, 'auditor', $2), ($1, 'approver', $2)`,
        [user.id, admin.id],
      );
      const sighted = await users.findSighted(user.tenantId, user.objectId);
      expect(sighted).toMatchObject({
        id: user.id,
        status: 'active',
        displayName: 'Grace',
        email: undefined,
        tokenRoles: ['viewer'],
        sessionsRevokedBefore: undefined,
        grantedRoles: ['approver', 'auditor'],
      });
      expect(sighted?.lastSeenAt).toBeInstanceOf(Date);
    });
  });

  describe('upsertOnSight', () => {
    it('provisions on first sight, then keeps the row and its version while nothing changes', async () => {
      const seen = identity();
      const first = await users.upsertOnSight(seen);
      expect(first).toMatchObject({ tenantId: seen.tenantId, objectId: seen.objectId, version: 1, status: 'active' });
      const again = await users.upsertOnSight(seen);
      expect(again).toMatchObject({ id: first.id, version: 1 });
      expect(again.updatedAt).toEqual(first.updatedAt);
      expect(again.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first.lastSeenAt.getTime());
    });

    it.each([
      ['display name', { displayName: 'Ada King' }],
      ['email', { email: undefined }],
      ['token roles', { tokenRoles: ['requester', 'approver'] }],
    ])('moves the version when the %s changes', async (_field, change) => {
      const seen = identity();
      const first = await users.upsertOnSight(seen);
      // JavaScript dates keep milliseconds: two upserts within one would show the same time.
      await new Promise((resolve) => setTimeout(resolve, 2));
      const changed = await users.upsertOnSight({ ...seen, ...change });
      expect(changed).toMatchObject({ id: first.id, version: 2 });
      expect(changed.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    });

    it('gives concurrent first requests of one identity the same single row', async () => {
      const seen = identity();
      const results = await Promise.all(Array.from({ length: 8 }, () => users.upsertOnSight(seen)));
      expect(new Set(results.map((user) => user.id)).size).toBe(1);
      const rows = await db.dataSource.query(`SELECT id FROM users WHERE tenant_id = $1 AND object_id = $2`, [
        seen.tenantId,
        seen.objectId,
      ]);
      expect(rows).toHaveLength(1);
    });

    it('refuses an identity source that is neither a tenant id nor an issuer (check constraint)', async () => {
      // Straight on the pool: the driver's own error, not wrapped by TypeORM.
      await expect(users.upsertOnSight(identity({ tenantId: 'not-a-tenant' }))).rejects.toMatchObject({
        code: SQL_STATE.checkViolation,
      });
    });
  });

  describe('findById and lockById', () => {
    it('are null for an absent id', async () => {
      expect(await users.findById(randomUUID())).toBeNull();
      await db.transactions.run(async (manager) => {
        expect(await users.findById(randomUUID(), manager)).toBeNull();
        expect(await users.lockById(randomUUID(), manager)).toBeNull();
      });
    });

    it("reads on the caller's unit of work when given its manager (its uncommitted rows included)", async () => {
      const unit = await db.openUnit();
      try {
        const created = await insertUser(unit.manager, { displayName: 'Uncommitted' });
        expect(await users.findById(created.id, unit.manager)).toMatchObject({ id: created.id, displayName: 'Uncommitted' }); // prettier-ignore
        expect(await users.findById(created.id)).toBeNull();
      } finally {
        await unit.rollback();
      }
    });

    it('queues a second admin change behind the first, which then reads the committed row', async () => {
      const user = await insertUser(db.dataSource);
      const first = await db.openUnit();
      const second = await db.openUnit();
      const locked = await users.lockById(user.id, first.manager);
      expect(locked?.version).toBe(1);
      const queued = users.lockById(user.id, second.manager);
      await db.waitUntilBlocked(second, first);
      await users.setStatus(user.id, 'suspended', first.manager);
      await first.commit();
      expect(await queued).toMatchObject({ id: user.id, status: 'suspended', version: 2 });
      await second.rollback();
    });

    it('locks only that user: another is locked at once', async () => {
      const [one, other] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      const first = await db.openUnit();
      const second = await db.openUnit();
      try {
        await users.lockById(one.id, first.manager);
        expect(await users.lockById(other.id, second.manager)).toMatchObject({ id: other.id });
      } finally {
        await Promise.all([first.rollback(), second.rollback()]);
      }
    });
  });

  describe('role grants', () => {
    it('adds a grant once (true, then false), bumping the version only when added', async () => {
      const [user, admin] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      const added = await db.transactions.run(async (manager) => [
        await users.addGrant(user.id, 'approver', admin.id, manager),
        await users.addGrant(user.id, 'approver', admin.id, manager),
      ]);
      expect(added).toEqual([true, false]);
      expect(await versionOf(user.id)).toBe(2);
      const grant = await db.transactions.run((manager) => users.findGrant(user.id, 'approver', manager));
      expect(grant).toMatchObject({ userId: user.id, role: 'approver', grantedBy: admin.id });
      expect(grant?.grantedAt).toBeInstanceOf(Date);
    });

    it('removes a grant once (true, then false), bumping the version only when removed', async () => {
      const user = await insertUser(db.dataSource);
      await db.dataSource.query(`INSERT INTO role_grants (user_id, role) VALUES ($1, 'auditor')`, [user.id]);
      const removed = await db.transactions.run(async (manager) => [
        await users.removeGrant(user.id, 'auditor', manager),
        await users.removeGrant(user.id, 'auditor', manager),
      ]);
      expect(removed).toEqual([true, false]);
      expect(await versionOf(user.id)).toBe(2);
      expect(await db.transactions.run((manager) => users.findGrant(user.id, 'auditor', manager))).toBeNull();
    });

    it('refuses a role the database does not know, and a grant to a user that does not exist', async () => {
      const user = await insertUser(db.dataSource);
      await expect(
        db.transactions.run((manager) => users.addGrant(user.id, 'superuser', user.id, manager)),
      ).rejects.toMatchObject({ driverError: { code: SQL_STATE.checkViolation } });
      await expect(
        db.transactions.run((manager) => users.addGrant(randomUUID(), 'viewer', user.id, manager)),
      ).rejects.toMatchObject({ driverError: { code: SQL_STATE.foreignKeyViolation } });
    });

    it("reads each user's granted roles, sorted, with an empty list for a user without grants", async () => {
      const [granted, bare] = [await insertUser(db.dataSource), await insertUser(db.dataSource)];
      await db.dataSource.query(`INSERT INTO role_grants (user_id, role) VALUES ($1, 'viewer'), ($1, 'admin')`, [
        granted.id,
      ]);
      expect(await users.grantedRoles(granted.id)).toEqual(['admin', 'viewer']);
      expect(await users.grantedRoles(bare.id)).toEqual([]);
      const byUser = await users.grantedRolesOf([granted.id, bare.id]);
      expect(Object.fromEntries(byUser)).toEqual({ [granted.id]: ['admin', 'viewer'], [bare.id]: [] });
      expect((await users.grantedRolesOf([])).size).toBe(0);
    });
  });

  describe('status and sessions', () => {
    it('rolls back every write with the unit of work that made it', async () => {
      const user = await insertUser(db.dataSource);
      await expect(
        db.transactions.run(async (manager) => {
          await users.setStatus(user.id, 'suspended', manager);
          await users.addGrant(user.id, 'admin', user.id, manager);
          await users.revokeSessions(user.id, manager);
          throw new Error('the audit write failed');
        }),
      ).rejects.toThrow('the audit write failed');
      expect(await users.findById(user.id)).toMatchObject({
        status: 'active',
        version: 1,
        sessionsRevokedBefore: null,
      });
      expect(await users.grantedRoles(user.id)).toEqual([]);
    });

    it('stamps session revocation with the database clock and moves the version', async () => {
      const user = await insertUser(db.dataSource);
      const { revokedBefore, now } = await db.transactions.run(async (manager) => ({
        revokedBefore: await users.revokeSessions(user.id, manager),
        now: (await manager.query<{ now: Date }[]>(`SELECT now() AS now`))[0].now,
      }));
      expect(revokedBefore).toEqual(now);
      expect(await users.findById(user.id)).toMatchObject({ sessionsRevokedBefore: now, version: 2 });
    });

    it('refuses a status the database does not know', async () => {
      const user = await insertUser(db.dataSource);
      await expect(
        db.transactions.run((manager) => users.setStatus(user.id, 'deleted' as 'active', manager)),
      ).rejects.toMatchObject({ driverError: { code: SQL_STATE.checkViolation } });
    });
  });

  it('counts the other active admins, by token role or by grant', async () => {
    // Repeatable read: admins other specs create meanwhile stay out of this unit's snapshot.
    // Rolled back: the admins made here never count in anyone else's test.
    const counts = await db.transactions
      .run(async (manager) => {
        const target = await insertUser(manager, { tokenRoles: ['admin'] });
        const baseline = await users.countOtherActiveAdmins(target.id, manager);
        await insertUser(manager, { tokenRoles: ['admin'] });
        const byToken = await users.countOtherActiveAdmins(target.id, manager);
        const granted = await insertUser(manager, { tokenRoles: ['viewer'] });
        await users.addGrant(granted.id, 'admin', target.id, manager);
        const byGrant = await users.countOtherActiveAdmins(target.id, manager);
        await insertUser(manager, { tokenRoles: ['admin'], status: 'suspended' });
        await insertUser(manager, { tokenRoles: ['approver'] });
        const unchanged = await users.countOtherActiveAdmins(target.id, manager);
        throw Object.assign(new Error('roll back'), { counts: { baseline, byToken, byGrant, unchanged } });
      }, 'REPEATABLE READ')
      .catch((error: { counts?: Record<string, number> }) => error.counts);
    const baseline = counts!.baseline;
    expect(counts).toEqual({ baseline, byToken: baseline + 1, byGrant: baseline + 2, unchanged: baseline + 2 });
  });

  describe('list', () => {
    /** Users whose display name carries `marker`, created in one statement's instant (all tie on created_at). */
    async function tiedUsers(marker: string, count: number, fields: (n: number) => object = () => ({})) {
      return db.dataSource.transaction(async (manager) => {
        const created = [];
        for (let n = 0; n < count; n += 1) {
          created.push(await insertUser(manager, { displayName: `${marker} ${n}`, ...fields(n) }));
        }
        return created;
      });
    }

    const ids = (rows: UserEntity[]) => rows.map((user) => user.id);

    it('pages oldest first with ties broken by id, each user exactly once', async () => {
      const marker = `pager-${uniqueSuffix()}`;
      const created = [...(await tiedUsers(marker, 5)), ...(await tiedUsers(marker, 4))];
      const expected = [...created]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        .map((user) => user.id);
      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await users.list({ text: marker, after, limit: 2 });
        seen.push(...ids(page));
        if (page.length < 2) break;
        const last = page[page.length - 1];
        after = { createdAt: last.createdAt.toISOString(), id: last.id };
      }
      expect(seen).toEqual(expected);
    });

    it('filters by status, and by role held by token or by grant', async () => {
      const marker = `filter-${uniqueSuffix()}`;
      const [byToken, byGrant, suspended, other] = await tiedUsers(
        marker,
        4,
        (n) =>
          [
            { tokenRoles: ['auditor'] },
            {},
            { status: 'suspended', tokenRoles: ['auditor'] },
            { tokenRoles: ['viewer'] },
          ][n],
      );
      await db.dataSource.query(`INSERT INTO role_grants (user_id, role) VALUES ($1, 'auditor')`, [byGrant.id]);
      const sorted = (list: { id: string }[]) => list.map((user) => user.id).sort();
      expect(sorted(await users.list({ text: marker, role: 'auditor', limit: 10 }))).toEqual(sorted([byToken, byGrant, suspended])); // prettier-ignore
      expect(ids(await users.list({ text: marker, status: 'suspended', limit: 10 }))).toEqual([suspended.id]);
      expect(sorted(await users.list({ text: marker, status: 'active', role: 'auditor', limit: 10 }))).toEqual(sorted([byToken, byGrant])); // prettier-ignore
      expect(sorted(await users.list({ text: marker, limit: 10 }))).toContain(other.id);
    });

    it('matches text in name or email, case-insensitively, taking % and _ literally', async () => {
      const marker = uniqueSuffix();
      const [literal, wildcardOnly, byEmail] = [
        await insertUser(db.dataSource, { displayName: `Deal ${marker} 50%_OFF` }),
        await insertUser(db.dataSource, { displayName: `Deal ${marker} 50xyoff` }),
        await insertUser(db.dataSource, { email: `deal.${marker}.50%_off@example.com` }),
      ];
      const found = ids(await users.list({ text: `${marker} 50%_off`, limit: 10 }));
      expect(found).toEqual([literal.id]);
      const either = ids(await users.list({ text: `${marker}`.toUpperCase(), limit: 10 }));
      expect(either.sort()).toEqual([literal.id, wildcardOnly.id, byEmail.id].sort());
    });
  });
});

/**
 * The last active admin, with exactly two admins: a database of its own, since on the run's
 * database other suites' admins would always remain.
 */
describe('UsersRepository: the last active admin under concurrent suspensions (real PostgreSQL)', () => {
  it('makes the second count wait for the first suspension, so that two admins cannot suspend each other', async () => {
    const scratch = await createScratchDatabase(
      'last_admin_spec',
      // The users' migrations re-scope idempotency records too.
      orderMigrations(USERS_MIGRATIONS, TRAFFIC_MIGRATIONS),
    );
    const units = unitsOfWorkOn(scratch.dataSource);
    const users = new UsersRepository(units.transactions);
    try {
      const [x, y] = [
        await insertUser(scratch.dataSource, { tokenRoles: ['admin'] }),
        await insertUser(scratch.dataSource, { tokenRoles: ['admin'] }),
      ];
      // As UserAccessService.update (lockById, here without TypeORM's entities): lock the target, count the others, suspend when one remains.
      // Admin y suspends x while admin x suspends y.
      const first = await units.openUnit();
      const second = await units.openUnit();
      const lockTarget = (id: string, manager: EntityManager) =>
        manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [id]);
      await lockTarget(x.id, first.manager);
      await lockTarget(y.id, second.manager);
      expect(await users.countOtherActiveAdmins(x.id, first.manager)).toBe(1);
      await users.setStatus(x.id, 'suspended', first.manager);
      const counting = users.countOtherActiveAdmins(y.id, second.manager);
      await units.waitUntilBlocked(second, first);
      await first.commit();
      expect(await counting).toBe(0);
      await second.rollback();
    } finally {
      await units.rollbackOpenUnits();
      await scratch.drop();
    }
  });
});
