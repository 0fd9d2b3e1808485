import { Injectable } from '@nestjs/common';
import { AppError, assertIfMatch, TransactionRunner } from '@flowgate/core';
import { canGrant, Principal, Role } from '@flowgate/auth';
import type { EntityManager } from 'typeorm';
import type { RevokedSessionsDto } from './dto/revoked-sessions.dto';
import type { RoleGrantDto } from './dto/role-grant.dto';
import type { UpdateUserDto } from './dto/update-user.dto';
import type { UserDto } from './dto/user.dto';
import type { RoleGrantEntity } from './entities/role-grant.entity';
import type { UserEntity } from './entities/user.entity';
import { toUserDto } from './user-dto.mapper';
import { UserDirectory } from './user-directory';
import { UsersRepository } from './users.repository';

/**
 * Admin changes to a user's access: status, role grants, session revocation. Each runs in one
 * transaction with the user's row locked, then drops the cached principal so every instance sees
 * the change on its next request.
 */
@Injectable()
export class UserAccessService {
  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: TransactionRunner,
    private readonly directory: UserDirectory,
  ) {}

  async update(actor: Principal, id: string, change: UpdateUserDto, ifMatch: string | undefined): Promise<UserDto> {
    const user = await this.change(actor, id, async (target, manager) => {
      assertIfMatch(ifMatch, target.version);
      if (change.status === target.status) return;
      if (change.status === 'suspended' && (await this.users.countOtherActiveAdmins(target.id, manager)) === 0) {
        throw new AppError('last_active_admin', 'Suspending this user would leave no active admin.');
      }
      await this.users.setStatus(target.id, change.status, manager);
    });
    return toUserDto(user, await this.users.grantedRoles(user.id));
  }

  async grant(actor: Principal, id: string, role: Role): Promise<RoleGrantDto> {
    this.assertMayGrant(actor, role);
    let grant: RoleGrantEntity | null = null;
    await this.change(actor, id, async (target, manager) => {
      await this.users.addGrant(target.id, role, actor.userId, manager);
      grant = await this.users.findGrant(target.id, role, manager);
    });
    const { userId, grantedBy, grantedAt } = grant!;
    return { userId, role, grantedBy, grantedAt: grantedAt.toISOString() };
  }

  async revoke(actor: Principal, id: string, role: Role): Promise<void> {
    this.assertMayGrant(actor, role);
    await this.change(actor, id, async (target, manager) => {
      await this.users.removeGrant(target.id, role, manager);
    });
  }

  /** Allowed on oneself too: "sign me out everywhere" is not an escalation. */
  async revokeSessions(actor: Principal, id: string): Promise<RevokedSessionsDto> {
    let revokedBefore = new Date();
    const user = await this.change(
      actor,
      id,
      async (target, manager) => {
        revokedBefore = await this.users.revokeSessions(target.id, manager);
      },
      { allowSelf: true },
    );
    return { userId: user.id, sessionsRevokedBefore: revokedBefore.toISOString() };
  }

  private assertMayGrant(actor: Principal, role: Role): void {
    if (!canGrant(actor.roles, role)) {
      throw new AppError('grant_not_allowed', `Only an admin who holds ${role} can grant or remove it.`);
    }
  }

  /** Locks the target, applies the change and commits, then forgets the cached principal. */
  private async change(
    actor: Principal,
    id: string,
    apply: (target: UserEntity, manager: EntityManager) => Promise<void>,
    options: { allowSelf?: boolean } = {},
  ): Promise<UserEntity> {
    const user = await this.transactions.run(async (manager) => {
      const target = await this.users.lockById(id, manager);
      if (!target) throw new AppError('not_found', `There is no user ${id}.`);
      // Compare stored ids, not the path: PostgreSQL matches a uuid written in any letter case.
      if (!options.allowSelf && target.id === actor.userId) {
        throw new AppError('self_modification_forbidden', 'Ask another admin to change your own access.');
      }
      await apply(target, manager);
      return (await this.users.findById(id, manager))!;
    });
    await this.directory.forget(user.tenantId, user.objectId);
    return user;
  }
}
