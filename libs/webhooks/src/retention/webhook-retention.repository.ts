import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';

/**
 * SQL of the retention purge. Each call deletes one batch in a statement of its own (a short
 * transaction), oldest first, so a large backlog never holds locks for long.
 */
@Injectable()
export class WebhookRetentionRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Outbox events the relay published more than `days` ago. Unpublished events are never touched,
   * however old: they are still owed to the subscriptions.
   */
  async purgePublishedEvents(days: number, batch: number): Promise<number> {
    return this.deleted(
      `DELETE FROM outbox_events WHERE id IN (
         SELECT id FROM outbox_events
         WHERE delivered_at IS NOT NULL AND delivered_at < now() - make_interval(days => $1)
         ORDER BY id LIMIT $2)`,
      [days, batch],
    );
  }

  /**
   * Deliveries that ended (succeeded, or dead-lettered and not redelivered) more than `days` ago.
   * Open ones stay whatever their age: they are still being attempted or waiting their turn.
   */
  async purgeFinishedDeliveries(days: number, batch: number): Promise<number> {
    return this.deleted(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE status IN ('succeeded', 'dead') AND completed_at < now() - make_interval(days => $1)
         ORDER BY seq LIMIT $2)`,
      [days, batch],
    );
  }

  /** Runs a DELETE and counts what it removed (in SQL, so the pool and a unit answer alike). */
  private async deleted(deleteSql: string, parameters: unknown[]): Promise<number> {
    const [{ n }] = await this.transactions.query<{ n: number }>(
      `WITH gone AS (${deleteSql} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      parameters,
    );
    return n;
  }
}
