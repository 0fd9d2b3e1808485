import { Injectable } from '@nestjs/common';
import { storedTraceContext, TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { type ClaimedDelivery, type DeliveryStatus, toDelivery, type WebhookDelivery } from './webhook-delivery';

/** How an attempt ended, as stored: the receiver's status and latency, or the failure. */
export interface AttemptRecord {
  readonly statusCode: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
}

/**
 * SQL for deliveries. The claim is where ordering and concurrency are decided: a delivery is due
 * only when no earlier delivery of the same instance to the same subscription is still open
 * (pending or being attempted), so a later event waits for an earlier one's success or dead letter;
 * rows are taken with `SKIP LOCKED`, so any number of deliverers share the work; and a claim is a
 * lease (`lease_token`, `lease_expires_at`): a deliverer that dies mid-attempt loses it when it
 * expires, and whoever claims it next sends the same message again.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    // In a unit of work of its own: an UPDATE through the manager answers [rows, count] wherever it runs.
    const [rows] = await this.transactions.run((manager) =>
      manager.query<[Record<string, unknown>[], number]>(
        `WITH due AS (
         SELECT d.id FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.status = 'enabled'
         WHERE ((d.status = 'pending' AND d.next_attempt_at <= now())
             OR (d.status = 'delivering' AND d.lease_expires_at <= now()))
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries e
             WHERE e.subscription_id = d.subscription_id AND e.aggregate_id = d.aggregate_id
               AND e.status IN ('pending', 'delivering') AND e.seq < d.seq)
         ORDER BY d.next_attempt_at
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d
       SET status = 'delivering', lease_token = gen_random_uuid(),
           lease_expires_at = now() + $2 * interval '1 millisecond',
           attempts = d.attempts + 1, last_attempt_at = now()
       FROM due, webhook_subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.subscription_id, d.message_id, d.event_type, d.body, d.attempts, d.lease_token, s.url,
         s.secret_sealed, d.traceparent, d.tracestate,
         CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret_sealed END AS previous_secret_sealed`,
        [limit, leaseMs],
      ),
    );
    return rows.map((row) => ({
      id: row.id as string,
      subscriptionId: row.subscription_id as string,
      messageId: row.message_id as string,
      eventType: row.event_type as string,
      body: row.body as string,
      attempts: Number(row.attempts),
      leaseToken: row.lease_token as string,
      url: row.url as string,
      secretSealed: row.secret_sealed as string,
      previousSecretSealed: (row.previous_secret_sealed as string | null) ?? null,
      trace: storedTraceContext(row),
    }));
  }

  /**
   * Ends an attempt: delivered, back to pending until `retryAt`, or dead. Fenced by the lease: an
   * attempt whose lease ran out (someone else holds the delivery now) changes nothing, and the
   * answer says so.
   */
  async finishAttempt(
    claim: Pick<ClaimedDelivery, 'id' | 'leaseToken'>,
    outcome: { status: Exclude<DeliveryStatus, 'delivering'>; retryAt?: Date },
    attempt: AttemptRecord,
    manager: EntityManager,
  ): Promise<boolean> {
    const [, count] = await manager.query<[unknown[], number]>(
      `UPDATE webhook_deliveries
       SET status = $3, lease_token = NULL, lease_expires_at = NULL, next_attempt_at = coalesce($4, next_attempt_at),
           last_status_code = $5, last_latency_ms = $6, last_error = $7,
           completed_at = CASE WHEN $3 IN ('succeeded', 'dead') THEN now() END
       WHERE id = $1 AND lease_token = $2`,
      [
        claim.id,
        claim.leaseToken,
        outcome.status,
        outcome.retryAt ?? null,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.error,
      ],
    );
    return count === 1;
  }

  /**
   * Ends the delivered attempts of one round in one statement (one commit for the batch instead of
   * one per delivery: measured, the commits were what bounded throughput). Fenced by each lease, as
   * `finishAttempt`; answers the subscriptions whose deliveries were recorded.
   */
  async finishDelivered(
    delivered: readonly {
      readonly claim: Pick<ClaimedDelivery, 'id' | 'leaseToken'>;
      readonly attempt: AttemptRecord;
    }[],
    manager: EntityManager,
  ): Promise<string[]> {
    const [rows] = await manager.query<[{ subscription_id: string }[], number]>(
      `UPDATE webhook_deliveries d
       SET status = 'succeeded', lease_token = NULL, lease_expires_at = NULL, last_status_code = a.status_code,
           last_latency_ms = a.latency_ms, last_error = NULL, completed_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) AS a(id, lease_token, status_code, latency_ms)
       WHERE d.id = a.id AND d.lease_token = a.lease_token
       RETURNING d.subscription_id`,
      [
        delivered.map(({ claim }) => claim.id),
        delivered.map(({ claim }) => claim.leaseToken),
        delivered.map(({ attempt }) => attempt.statusCode),
        delivered.map(({ attempt }) => attempt.latencyMs),
      ],
    );
    return rows.map((row) => row.subscription_id);
  }

  async findOfSubscription(
    subscriptionId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<WebhookDelivery | undefined> {
    const sql = `SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND id = $2${manager ? ' FOR UPDATE' : ''}`;
    const rows = manager
      ? await manager.query<Record<string, unknown>[]>(sql, [subscriptionId, id])
      : await this.transactions.query<Record<string, unknown>>(sql, [subscriptionId, id]);
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  /** The delivery log: newest first, keyset-paged on `seq`. */
  async listOfSubscription(
    subscriptionId: string,
    options: { status?: DeliveryStatus; beforeSeq?: string; limit: number },
  ): Promise<WebhookDelivery[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT * FROM webhook_deliveries
       WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3::bigint)
       ORDER BY seq DESC LIMIT $4`,
      [subscriptionId, options.status ?? null, options.beforeSeq ?? null, options.limit],
    );
    return rows.map(toDelivery);
  }

  /** Makes a delivery due now with a fresh retry budget (same message, same `webhook-id`). */
  async requeue(id: string, manager: EntityManager): Promise<WebhookDelivery> {
    const [[row]] = await manager.query<[Record<string, unknown>[], number]>(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL
       WHERE id = $1 RETURNING *`,
      [id],
    );
    return toDelivery(row);
  }
}
