import { Injectable } from '@nestjs/common';
import { isRole, type Role } from '@flowgate/auth';
import { TransactionRunner } from '@flowgate/core';

/** What another feature may know of a person when deciding what they could do: never their token. */
export interface PersonAccess {
  readonly userId: string;
  readonly status: 'active' | 'suspended';
  /** Roles held: from their latest token and from grants, before the hierarchy is applied. */
  readonly roles: readonly Role[];
}

/**
 * Reads a person's standing for decisions made about them while they are not the caller (is this
 * user eligible to be assigned?). It runs on the open unit of work's connection when there is one,
 * since such decisions happen inside the change they guard.
 */
@Injectable()
export class PersonAccessReader {
  constructor(private readonly transactions: TransactionRunner) {}

  async find(userId: string): Promise<PersonAccess | undefined> {
    const [row] = await this.transactions.query<{ id: string; status: 'active' | 'suspended'; roles: string[] }>(
      `SELECT u.id, u.status,
         u.token_roles || ARRAY(SELECT g.role FROM role_grants g WHERE g.user_id = u.id) AS roles
       FROM users u WHERE u.id = $1`,
      [userId],
    );
    if (!row) return undefined;
    return { userId: row.id, status: row.status, roles: [...new Set(row.roles.filter(isRole))] };
  }
}
