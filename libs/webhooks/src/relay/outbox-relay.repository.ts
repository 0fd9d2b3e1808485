import { Injectable } from '@nestjs/common';
import { type StoredTraceContext, storedTraceContext, type TraceCarrier, TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { OutboxEvent, WebhookMessage } from '../events/webhook-events';

/** An event the relay holds, with the trace context of the unit of work that wrote it. */
export interface ClaimedOutboxEvent extends OutboxEvent {
  readonly trace: TraceCarrier | null;
}

/**
 * A message bound for the subscriptions that want it; its deliveries keep the event's trace
 * context, so each attempt links back to the transaction that wrote the event.
 */
export interface Publication extends WebhookMessage, StoredTraceContext {
  readonly outboxEventId: string;
  readonly aggregateId: string;
}

/** SQL of the outbox relay: claim the next events, fan them out into deliveries, mark them sent. */
@Injectable()
export class OutboxRelayRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * The oldest unpublished event of each instance, oldest first, locked with `SKIP LOCKED`. Only the
   * head of an instance's queue is eligible: a relay holding it blocks its successors from every
   * other relay (they see it unpublished), so an instance's events are published one after another,
   * in order, however many relays run, while different instances go in parallel.
   */
  async claimHeads(limit: number, manager: EntityManager): Promise<ClaimedOutboxEvent[]> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT o.id, o.topic, o.aggregate_id, o.payload, o.created_at, o.traceparent, o.tracestate FROM outbox_events o
       WHERE o.delivered_at IS NULL
         AND NOT EXISTS (
           SELECT 1 FROM outbox_events p WHERE p.aggregate_id = o.aggregate_id AND p.delivered_at IS NULL AND p.id < o.id)
       ORDER BY o.id LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      topic: row.topic as string,
      aggregateId: row.aggregate_id as string,
      payload: row.payload as Record<string, unknown>,
      createdAt: row.created_at as Date,
      trace: storedTraceContext(row),
    }));
  }

  /**
   * One delivery per subscription that wants the message (its type, and its definition when the
   * subscription names some). Paused subscriptions get theirs too, delivered once resumed. A
   * relay that crashed after inserting but before committing left nothing; one that committed
   * marked the event sent, so the unique key only guards against a bug, not a race. Answers how
   * many deliveries it made.
   */
  async fanOut(publications: readonly Publication[], manager: EntityManager): Promise<number> {
    if (publications.length === 0) return 0;
    const column = <K extends keyof Publication>(key: K) => publications.map((publication) => publication[key] ?? null);
    // Counted in SQL: an INSERT through the manager answers its rows, not how many there were.
    const [{ inserted }] = await manager.query<{ inserted: number }[]>(
      `WITH inserted AS (
       INSERT INTO webhook_deliveries
         (subscription_id, outbox_event_id, message_id, event_type, aggregate_id, body, traceparent, tracestate)
       SELECT s.id, m.outbox_event_id, m.message_id, m.event_type, m.aggregate_id, m.body, m.traceparent, m.tracestate
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS m(outbox_event_id, message_id, event_type, aggregate_id, body, definition_key, traceparent, tracestate)
       JOIN webhook_subscriptions s
         ON m.event_type = ANY (s.event_types) AND (s.definition_keys IS NULL OR m.definition_key = ANY (s.definition_keys))
       ON CONFLICT (subscription_id, outbox_event_id, event_type) DO NOTHING
       RETURNING 1)
       SELECT count(*)::int AS inserted FROM inserted`,
      [
        column('outboxEventId'),
        column('messageId'),
        column('type'),
        column('aggregateId'),
        column('body'),
        column('definitionKey'),
        column('traceparent'),
        column('tracestate'),
      ],
    );
    return inserted;
  }

  /** Stamped with the clock, not the transaction's start: `delivered_at − created_at` is the lag. */
  async markPublished(eventIds: readonly string[], manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE outbox_events SET delivered_at = clock_timestamp() WHERE id = ANY ($1::bigint[])`, [
      eventIds,
    ]);
  }

  /** Age of the oldest event still to publish (0 when none): the lag an operator watches. */
  async oldestPendingAgeSeconds(): Promise<number> {
    const [row] = await this.transactions.query<{ age: number | null }>(
      `SELECT extract(epoch FROM now() - created_at)::float8 AS age FROM outbox_events
       WHERE delivered_at IS NULL ORDER BY id LIMIT 1`,
    );
    return Math.max(0, row?.age ?? 0);
  }
}
