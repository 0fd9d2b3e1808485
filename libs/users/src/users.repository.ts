import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { RoleGrantEntity } from './entities/role-grant.entity';
import { UserEntity, UserStatus } from './entities/user.entity';

export interface SightedIdentity {
  readonly tenantId: string;
  readonly objectId: string;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly tokenRoles: readonly string[];
}

/** A user as the principal directory reads it: the row's access fields and the roles granted. */
export interface SightedUser {
  readonly id: string;
  readonly status: UserStatus;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly tokenRoles: readonly string[];
  readonly sessionsRevokedBefore: Date | undefined;
  readonly lastSeenAt: Date;
  readonly grantedRoles: readonly string[];
}

export interface UserListFilter {
  readonly status?: UserStatus;
  readonly role?: string;
  /** Case-insensitive substring of display name or email. */
  readonly text?: string;
  /** Keyset position: the last row of the previous page. */
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/**
 * SQL for users and their role grants. Methods taking a manager run inside the caller's unit of
 * work; the others go through `TransactionRunner.query`, which uses the open unit's connection if
 * there is one, else the pool (one database path: no connection source of its own here).
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * A user and their granted roles in one round trip, writing nothing: how the principal
   * directory reads callers while its cache (Redis) is away and every request reaches the
   * database. A named statement straight on the pool, planned once per connection.
   */
  async findSighted(tenantId: string, objectId: string): Promise<SightedUser | undefined> {
    const [row] = await this.transactions.query<Record<string, unknown>>(
      `SELECT u.id, u.status, u.display_name, u.email, u.token_roles, u.sessions_revoked_before, u.last_seen_at,
              ARRAY(SELECT g.role FROM role_grants g WHERE g.user_id = u.id ORDER BY g.role) AS granted_roles
       FROM users u WHERE u.tenant_id = $1 AND u.object_id = $2`,
      [tenantId, objectId],
      { name: 'users.find-sighted' },
    );
    if (!row) return undefined;
    return {
      id: row.id as string,
      status: row.status as UserStatus,
      displayName: (row.display_name as string | null) ?? undefined,
      email: (row.email as string | null) ?? undefined,
      tokenRoles: row.token_roles as string[],
      sessionsRevokedBefore: (row.sessions_revoked_before as Date | null) ?? undefined,
      lastSeenAt: row.last_seen_at as Date,
      grantedRoles: row.granted_roles as string[],
    };
  }

  /**
   * Provisions a user on first sight or refreshes their display data, in one statement that is
   * safe under concurrent first requests. The version moves only when the representation changes.
   */
  async upsertOnSight(identity: SightedIdentity): Promise<UserEntity> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `INSERT INTO users (tenant_id, object_id, display_name, email, token_roles)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, object_id) DO UPDATE SET
         display_name = EXCLUDED.display_name,
         email = EXCLUDED.email,
         token_roles = EXCLUDED.token_roles,
         last_seen_at = now(),
         version = users.version + CASE
           WHEN (users.display_name, users.email, users.token_roles)
                IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.email, EXCLUDED.token_roles) THEN 1 ELSE 0 END,
         updated_at = CASE
           WHEN (users.display_name, users.email, users.token_roles)
                IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.email, EXCLUDED.token_roles) THEN now()
           ELSE users.updated_at END
       RETURNING *`,
      [
        identity.tenantId,
        identity.objectId,
        identity.displayName ?? null,
        identity.email ?? null,
        [...identity.tokenRoles],
      ],
    );
    return toEntity(rows[0]);
  }

  async findById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    const [row] = await this.read(manager)(`SELECT * FROM users WHERE id = $1`, [id]);
    return row ? toEntity(row) : null;
  }

  /** Row lock for an admin change: concurrent changes to one user queue up instead of racing. */
  lockById(id: string, manager: EntityManager): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async grantedRoles(userId: string, manager?: EntityManager): Promise<string[]> {
    const grants = await this.read(manager)(`SELECT role FROM role_grants WHERE user_id = $1 ORDER BY role`, [userId]);
    return grants.map((grant) => grant.role as string);
  }

  async grantedRolesOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const grants = await this.transactions.query<{ user_id: string; role: string }>(
      `SELECT user_id, role FROM role_grants WHERE user_id = ANY($1::uuid[]) ORDER BY role`,
      [[...userIds]],
    );
    for (const grant of grants) byUser.get(grant.user_id)?.push(grant.role);
    return byUser;
  }

  async list(filter: UserListFilter): Promise<UserEntity[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    /** Appends a parameter; its placeholder (`$n`). */
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.status) conditions.push(`u.status = ${param(filter.status)}`);
    if (filter.role) {
      const role = param(filter.role);
      conditions.push(
        `(${role} = ANY(u.token_roles) OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = ${role}))`,
      );
    }
    if (filter.text) {
      const pattern = param(`%${filter.text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
      conditions.push(`(u.display_name ILIKE ${pattern} OR u.email ILIKE ${pattern})`);
    }
    if (filter.after) {
      conditions.push(
        `(u.created_at, u.id) > (${param(filter.after.createdAt)}::timestamptz, ${param(filter.after.id)}::uuid)`,
      );
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT u.* FROM users u ${where} ORDER BY u.created_at ASC, u.id ASC LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map(toEntity);
  }

  async setStatus(id: string, status: UserStatus, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
      id,
      status,
    ]);
  }

  /** Adds the grant if missing; true when it was added. */
  async addGrant(userId: string, role: string, grantedBy: string, manager: EntityManager): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO role_grants (user_id, role, granted_by) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, role) DO NOTHING RETURNING role`,
      [userId, role, grantedBy],
    );
    if (inserted.length > 0) await this.bumpVersion(userId, manager);
    return inserted.length > 0;
  }

  findGrant(userId: string, role: string, manager: EntityManager): Promise<RoleGrantEntity | null> {
    return manager.getRepository(RoleGrantEntity).findOneBy({ userId, role });
  }

  /** Removes the grant if present; true when it was removed. */
  async removeGrant(userId: string, role: string, manager: EntityManager): Promise<boolean> {
    const [, affected] = await manager.query<[unknown, number]>(
      `DELETE FROM role_grants WHERE user_id = $1 AND role = $2`,
      [userId, role],
    );
    if (affected > 0) await this.bumpVersion(userId, manager);
    return affected > 0;
  }

  /** Marks every token issued until now (database clock, shared by all instances) as revoked. */
  async revokeSessions(id: string, manager: EntityManager): Promise<Date> {
    // UPDATE ... RETURNING through TypeORM's query() yields [rows, affectedCount].
    const [rows]: [{ sessions_revoked_before: Date }[], number] = await manager.query(
      `UPDATE users SET sessions_revoked_before = now(), version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING sessions_revoked_before`,
      [id],
    );
    return rows[0].sessions_revoked_before;
  }

  /**
   * Active admins other than `exceptUserId`, by grant or by their latest token. Takes the admins'
   * lock until the caller's unit of work ends: without it, two admins suspending each other at
   * once each locked only their target, each counted the other as still active, and both
   * committed, leaving no active admin. Now the second count waits for the first unit and (READ
   * COMMITTED: a new snapshot per statement) sees its suspension.
   */
  async countOtherActiveAdmins(exceptUserId: string, manager: EntityManager): Promise<number> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users'), hashtext('active admins'))`);
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM users u
       WHERE u.status = 'active' AND u.id <> $1
         AND ('admin' = ANY(u.token_roles) OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'admin'))`,
      [exceptUserId],
    );
    return Number(rows[0].count);
  }

  private async bumpVersion(id: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
  }

  /** A read on the caller's unit of work when given its manager, else through `query` (the open unit or the pool). */
  private read(manager: EntityManager | undefined) {
    return (sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> =>
      manager ? manager.query<Record<string, unknown>[]>(sql, parameters) : this.transactions.query(sql, parameters);
  }
}

/** A raw `users` row (`SELECT *`, `RETURNING *`) as the entity. */
function toEntity(row: Record<string, unknown>): UserEntity {
  return Object.assign(new UserEntity(), {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    objectId: row.object_id as string,
    displayName: row.display_name as string | null,
    email: row.email as string | null,
    status: row.status as UserStatus,
    tokenRoles: row.token_roles as string[],
    sessionsRevokedBefore: row.sessions_revoked_before as Date | null,
    version: row.version as number,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    lastSeenAt: row.last_seen_at as Date,
  });
}
