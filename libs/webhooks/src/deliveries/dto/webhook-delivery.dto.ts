import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_SCHEMA, PageQueryDto, POSTGRES_INTEGER_MAX } from '@flowgate/core';
import { IsIn, IsOptional } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../../events/webhook-event-types';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook-delivery';

export class WebhookDeliveryDto {
  @ApiProperty(API_SCHEMA.uuid)
  id!: string;
  /** The `webhook-id` header: the same on every attempt and redelivery, for the receiver to deduplicate. */
  messageId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  eventType!: string;
  /** The workflow instance the event is about; its deliveries to one endpoint go out in order. */
  @ApiProperty(API_SCHEMA.uuid)
  workflowId!: string;
  /** `pending`: waiting for its (next) attempt; `delivering`: being attempted; `dead`: gave up after the last attempt. */
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;
  /** Attempts since it was created or last redelivered. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: POSTGRES_INTEGER_MAX })
  attempts!: number;
  /** The receiver's status code on the last attempt; `null` when it did not answer. */
  @ApiProperty({ type: 'integer', minimum: 100, maximum: 599, nullable: true })
  lastStatusCode!: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: POSTGRES_INTEGER_MAX, nullable: true })
  lastLatencyMs!: number | null;
  /** Why the last attempt failed (`HTTP 503`, a timeout, a refused address). */
  lastError!: string | null;
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  lastAttemptAt!: string | null;
  /** When it will be attempted next; `null` once it has ended. */
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  nextAttemptAt!: string | null;
  @ApiProperty({ ...API_SCHEMA.dateTime, nullable: true })
  completedAt!: string | null;
  @ApiProperty(API_SCHEMA.dateTime)
  createdAt!: string;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  value!: WebhookDeliveryDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
