import type { TraceCarrier } from '@flowgate/core';

/** The life of a delivery: due → being attempted → delivered, or dead-lettered after the last attempt. */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A delivery as the log shows it (the body stays in the database). */
export interface WebhookDelivery {
  readonly id: string;
  readonly seq: string;
  readonly subscriptionId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly aggregateId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly completedAt: Date | null;
  readonly createdAt: Date;
}

/** A delivery a deliverer holds: what to send, where, signed with which secrets, under which lease. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly body: string;
  readonly attempts: number;
  readonly leaseToken: string;
  readonly url: string;
  readonly secretSealed: string;
  /** Set while a rotation's window is open: the old secret signs too. */
  readonly previousSecretSealed: string | null;
  /** The trace context of the transaction that wrote the event: each attempt's trace links to it. */
  readonly trace: TraceCarrier | null;
}

export function toDelivery(row: Record<string, unknown>): WebhookDelivery {
  return {
    id: row.id as string,
    seq: String(row.seq),
    subscriptionId: row.subscription_id as string,
    messageId: row.message_id as string,
    eventType: row.event_type as string,
    aggregateId: row.aggregate_id as string,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at as Date,
    lastAttemptAt: (row.last_attempt_at as Date | null) ?? null,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastLatencyMs: row.last_latency_ms === null ? null : Number(row.last_latency_ms),
    lastError: (row.last_error as string | null) ?? null,
    completedAt: (row.completed_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
