import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { type SubscriptionChanges, toSubscription, type WebhookSubscription } from './webhook-subscription';

export interface NewSubscription {
  readonly url: string;
  readonly description: string | null;
  readonly eventTypes: readonly string[];
  readonly definitionKeys: readonly string[] | null;
  readonly secretSealed: string;
  readonly createdBy: string;
}

/** Columns an admin change may set, by field name: the SQL names nothing a caller chose. */
const CHANGE_COLUMNS: Readonly<Record<keyof SubscriptionChanges, string>> = {
  url: 'url',
  description: 'description',
  eventTypes: 'event_types',
  definitionKeys: 'definition_keys',
  status: 'status',
  pausedReason: 'paused_reason',
};

/** SQL for webhook subscriptions. Writes run in the caller's unit of work. */
@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async insert(subscription: NewSubscription, manager: EntityManager): Promise<WebhookSubscription> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO webhook_subscriptions (url, description, event_types, definition_keys, secret_sealed, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        subscription.url,
        subscription.description,
        subscription.eventTypes,
        subscription.definitionKeys,
        subscription.secretSealed,
        subscription.createdBy,
      ],
    );
    return toSubscription(row);
  }

  async findById(id: string): Promise<WebhookSubscription | undefined> {
    const [row] = await this.transactions.query<Record<string, unknown>>(
      `SELECT * FROM webhook_subscriptions WHERE id = $1`,
      [id],
    );
    return row ? toSubscription(row) : undefined;
  }

  async lockById(id: string, manager: EntityManager): Promise<WebhookSubscription | undefined> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT * FROM webhook_subscriptions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ? toSubscription(row) : undefined;
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(options: { after?: { createdAt: string; id: string }; limit: number }): Promise<WebhookSubscription[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT * FROM webhook_subscriptions
       WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [options.after?.createdAt ?? null, options.after?.id ?? null, options.limit],
    );
    return rows.map(toSubscription);
  }

  /**
   * Applies an admin change and moves the version (the ETag). Pausing stamps `paused_at`; enabling
   * clears the reason and the failure count, so a resumed endpoint gets a fresh budget.
   */
  async update(id: string, changes: SubscriptionChanges, manager: EntityManager): Promise<WebhookSubscription> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [field, column] of Object.entries(CHANGE_COLUMNS) as [keyof SubscriptionChanges, string][]) {
      if (changes[field] === undefined) continue;
      values.push(changes[field]);
      sets.push(`${column} = $${values.length}`);
    }
    if (changes.status === 'paused') sets.push(`paused_at = now()`);
    if (changes.status === 'enabled') sets.push(`paused_at = NULL`, `paused_reason = NULL`, `consecutive_failures = 0`);
    const [rows] = await manager.query<[Record<string, unknown>[], number]>(
      `UPDATE webhook_subscriptions SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE id = $1 RETURNING *`,
      values,
    );
    return toSubscription(rows[0]);
  }

  /** The new secret signs from now on; the old one too, until `previousExpiresAt`. */
  async rotateSecret(
    id: string,
    secretSealed: string,
    previousExpiresAt: Date,
    manager: EntityManager,
  ): Promise<WebhookSubscription> {
    const [rows] = await manager.query<[Record<string, unknown>[], number]>(
      `UPDATE webhook_subscriptions
       SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $3, secret_sealed = $2,
           version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, secretSealed, previousExpiresAt],
    );
    return toSubscription(rows[0]);
  }

  /** Its deliveries go with it (ON DELETE CASCADE): a deleted endpoint has nothing left to send. */
  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM webhook_subscriptions WHERE id = $1`, [id]);
  }

  /**
   * Counts a failed attempt against the endpoint and pauses it when the count reaches `pauseAfter`;
   * says whether this failure paused it (the caller audits that). Read under the row lock, then
   * written: the lock serialises an endpoint's failures, so exactly one of them pauses it.
   */
  async recordFailure(
    id: string,
    pauseAfter: number,
    reason: string,
    manager: EntityManager,
  ): Promise<{ readonly pausedNow: boolean; readonly failures: number }> {
    const current = await this.lockById(id, manager);
    if (!current) return { pausedNow: false, failures: 0 };
    const failures = current.consecutiveFailures + 1;
    const pausedNow = current.status === 'enabled' && failures >= pauseAfter;
    await manager.query(
      pausedNow
        ? `UPDATE webhook_subscriptions SET consecutive_failures = $2, status = 'paused', paused_reason = $3,
             paused_at = now(), version = version + 1, updated_at = now() WHERE id = $1`
        : `UPDATE webhook_subscriptions SET consecutive_failures = $2 WHERE id = $1`,
      pausedNow ? [id, failures, reason] : [id, failures],
    );
    return { pausedNow, failures };
  }

  /** A delivered message resets the endpoint's failure count (written only when it is not 0 already). */
  async recordSuccess(id: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`,
      [id],
    );
  }
}
