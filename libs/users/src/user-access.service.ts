import { Injectable } from '@nestjs/common';
import { AppError, assertIfMatch, TransactionRunner } from '@flowgate/core';
import { AuditService, userActor } from '@flowgate/audit';
import { AccessDenials, canGrant, Principal, Role } from '@flowgate/auth';
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

interface ChangeOptions {
  /** May act on their own user (revoking one's own sessions). */
  readonly allowSelf?: boolean;
  /** Checks the actor may make this change at all; throws the refusal. */
  readonly authorize?: () => void;
  /** Kept with a denial, e.g. the role that was to be granted. */
  readonly detail?: Record<string, unknown>;
}

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
    private readonly audit: AuditService,
    private readonly denials: AccessDenials,
  ) {}

  async update(actor: Principal, id: string, change: UpdateUserDto, ifMatch: string | undefined): Promise<UserDto> {
    const action = change.status === 'suspended' ? 'user.suspended' : 'user.reactivated';
    const user = await this.change(actor, id, action, async (target, manager) => {
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
    let grant: RoleGrantEntity | null = null;
    await this.change(
      actor,
      id,
      'user.role_granted',
      async (target, manager) => {
        await this.users.addGrant(target.id, role, actor.userId, manager);
        grant = await this.users.findGrant(target.id, role, manager);
      },
      { authorize: () => this.assertMayGrant(actor, role), detail: { role } },
    );
    const { userId, grantedBy, grantedAt } = grant!;
    return { userId, role, grantedBy, grantedAt: grantedAt.toISOString() };
  }

  async revoke(actor: Principal, id: string, role: Role): Promise<void> {
    await this.change(
      actor,
      id,
      'user.role_revoked',
      async (target, manager) => {
        await this.users.removeGrant(target.id, role, manager);
      },
      { authorize: () => this.assertMayGrant(actor, role), detail: { role } },
    );
  }

  /** Allowed on oneself too: "sign me out everywhere" is not an escalation. */
  async revokeSessions(actor: Principal, id: string): Promise<RevokedSessionsDto> {
    let revokedBefore = new Date();
    const user = await this.change(
      actor,
      id,
      'user.sessions_revoked',
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

  /**
   * Locks the target, applies the change, records the audit event (one insert; the worker seals it
   * into the chain after commit) and commits; then forgets the cached principal. A refusal
   * (403) is audited as a denial in its own transaction, since this one rolls back.
   */
  private async change(
    actor: Principal,
    id: string,
    action: string,
    apply: (target: UserEntity, manager: EntityManager) => Promise<void>,
    options: ChangeOptions = {},
  ): Promise<UserEntity> {
    try {
      options.authorize?.();
      return await this.applyChange(actor, id, action, apply, options);
    } catch (error) {
      if (error instanceof AppError && error.status === 403) {
        const resource = { type: 'user', id };
        await this.denials.record({ principal: actor, action, resource, reason: error.code, detail: options.detail });
      }
      throw error;
    }
  }

  private async applyChange(
    actor: Principal,
    id: string,
    action: string,
    apply: (target: UserEntity, manager: EntityManager) => Promise<void>,
    options: ChangeOptions,
  ): Promise<UserEntity> {
    const user = await this.transactions.run(async (manager) => {
      const target = await this.users.lockById(id, manager);
      if (!target) throw new AppError('not_found', `There is no user ${id}.`);
      // Compare stored ids, not the path: PostgreSQL matches a uuid written in any letter case.
      if (!options.allowSelf && target.id === actor.userId) {
        throw new AppError('self_modification_forbidden', 'Ask another admin to change your own access.');
      }
      const before = await this.snapshot(target, manager);
      await apply(target, manager);
      const updated = (await this.users.findById(target.id, manager))!;
      const after = await this.snapshot(updated, manager);
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        await this.audit.record(
          {
            actor: userActor(actor),
            action,
            resource: { type: 'user', id: updated.id },
            outcome: 'succeeded',
            before,
            after,
          },
          manager,
        );
      }
      // Only once the change is durable: a reader in between would cache the old state anew.
      this.transactions.afterCommit(() => this.directory.forget(updated.tenantId, updated.objectId));
      return updated;
    });
    return user;
  }

  /** What the audit trail records of a user before and after a change. */
  private async snapshot(user: UserEntity, manager: EntityManager): Promise<Record<string, unknown>> {
    return {
      status: user.status,
      grantedRoles: await this.users.grantedRoles(user.id, manager),
      sessionsRevokedBefore: user.sessionsRevokedBefore?.toISOString() ?? null,
    };
  }
}
