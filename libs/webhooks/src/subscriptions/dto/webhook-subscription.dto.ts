import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA, POSTGRES_INTEGER_MAX } from '@flowgate/core';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../events/webhook-event-types';

export class WebhookSubscriptionDto {
  @ApiProperty(API_SCHEMA.uuid)
  id!: string;
  @ApiProperty({ format: 'uri' })
  url!: string;
  description!: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  eventTypes!: WebhookEventType[];
  /** The definitions whose instances' events it receives; `null`: every definition. */
  @ApiProperty({ type: 'array', items: { type: 'string' }, nullable: true })
  definitionKeys!: string[] | null;
  /** `paused`: nothing is sent; deliveries wait, in order, until an admin resumes it. */
  @ApiProperty({ enum: ['enabled', 'paused'] })
  status!: 'enabled' | 'paused';
  /** Who or what paused it and why (an automatic pause names the failures). */
  pausedReason!: string | null;
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  pausedAt!: string | null;
  /** Until then the secret replaced by the last rotation still signs, beside the new one. */
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  previousSecretExpiresAt!: string | null;
  /** Failed attempts since the last delivered message; the endpoint pauses at the configured limit. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: POSTGRES_INTEGER_MAX })
  consecutiveFailures!: number;
  @ApiProperty(API_SCHEMA.dateTime)
  createdAt!: string;
  @ApiProperty(API_SCHEMA.dateTime)
  updatedAt!: string;
}

export class CreatedWebhookSubscriptionDto extends WebhookSubscriptionDto {
  /**
   * The signing secret (Standard Webhooks `whsec_…`): shown here once, never again. Give it to
   * the receiver, which verifies every message with it.
   */
  @ApiProperty({ pattern: '^whsec_[A-Za-z0-9+/=]+$' })
  secret!: string;
}

export class RotatedSecretDto {
  /** The new signing secret, shown once. */
  @ApiProperty({ pattern: '^whsec_[A-Za-z0-9+/=]+$' })
  secret!: string;
  /** Until then messages carry a signature by the old secret too, so the receiver can switch at leisure. */
  @ApiProperty(API_SCHEMA.dateTime)
  previousSecretExpiresAt!: string;
}

export class WebhookSubscriptionListDto {
  @ApiProperty({ type: [WebhookSubscriptionDto] })
  value!: WebhookSubscriptionDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
