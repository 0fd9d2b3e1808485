import type { WebhookEventType } from '../events/webhook-event-types';

/** A subscription as stored; its secrets stay sealed (`SecretBox`) and never leave the service. */
export interface WebhookSubscription {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly eventTypes: readonly WebhookEventType[];
  readonly definitionKeys: readonly string[] | null;
  readonly status: 'enabled' | 'paused';
  readonly pausedReason: string | null;
  readonly pausedAt: Date | null;
  readonly secretSealed: string;
  readonly previousSecretSealed: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly consecutiveFailures: number;
  readonly version: number;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The fields an admin sets; absent ones are left as they are. */
export interface SubscriptionChanges {
  readonly url?: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly WebhookEventType[];
  readonly definitionKeys?: readonly string[] | null;
  readonly status?: 'enabled' | 'paused';
  readonly pausedReason?: string | null;
}

export function toSubscription(row: Record<string, unknown>): WebhookSubscription {
  return {
    id: row.id as string,
    url: row.url as string,
    description: (row.description as string | null) ?? null,
    eventTypes: row.event_types as WebhookEventType[],
    definitionKeys: (row.definition_keys as string[] | null) ?? null,
    status: row.status as 'enabled' | 'paused',
    pausedReason: (row.paused_reason as string | null) ?? null,
    pausedAt: (row.paused_at as Date | null) ?? null,
    secretSealed: row.secret_sealed as string,
    previousSecretSealed: (row.previous_secret_sealed as string | null) ?? null,
    previousSecretExpiresAt: (row.previous_secret_expires_at as Date | null) ?? null,
    consecutiveFailures: Number(row.consecutive_failures),
    version: Number(row.version),
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
