import type { WebhookDeliveryDto } from './deliveries/dto/webhook-delivery.dto';
import type { WebhookDelivery } from './deliveries/webhook-delivery';
import type { WebhookSubscriptionDto } from './subscriptions/dto/webhook-subscription.dto';
import type { WebhookSubscription } from './subscriptions/webhook-subscription';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toSubscriptionDto(subscription: WebhookSubscription, now = new Date()): WebhookSubscriptionDto {
  const rotating = subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt > now;
  return {
    id: subscription.id,
    url: subscription.url,
    description: subscription.description,
    eventTypes: [...subscription.eventTypes],
    definitionKeys: subscription.definitionKeys ? [...subscription.definitionKeys] : null,
    status: subscription.status,
    pausedReason: subscription.pausedReason,
    pausedAt: iso(subscription.pausedAt),
    previousSecretExpiresAt: rotating ? iso(subscription.previousSecretExpiresAt) : null,
    consecutiveFailures: subscription.consecutiveFailures,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
  };
}

export function toDeliveryDto(delivery: WebhookDelivery): WebhookDeliveryDto {
  const open = delivery.status === 'pending' || delivery.status === 'delivering';
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    eventType: delivery.eventType,
    workflowId: delivery.aggregateId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastLatencyMs: delivery.lastLatencyMs,
    lastError: delivery.lastError,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: open ? delivery.nextAttemptAt.toISOString() : null,
    completedAt: iso(delivery.completedAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}

/** What the audit trail keeps of a subscription: never a secret. */
export function auditSnapshot(subscription: WebhookSubscription): Record<string, unknown> {
  return {
    url: subscription.url,
    eventTypes: subscription.eventTypes,
    definitionKeys: subscription.definitionKeys,
    status: subscription.status,
    pausedReason: subscription.pausedReason,
    description: subscription.description,
  };
}
