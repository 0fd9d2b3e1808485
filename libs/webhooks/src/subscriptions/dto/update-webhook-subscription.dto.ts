import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { WebhookEventType } from '../../events/webhook-event-types';
import { DefinitionKeysField, EventTypesField, ReceiverUrlField } from './subscription-fields';

/** Fields left out stay as they are. */
export class UpdateWebhookSubscriptionDto {
  /** Checked like a new subscription's URL. */
  @ReceiverUrlField({ optional: true })
  url?: string;

  @EventTypesField({ optional: true })
  eventTypes?: WebhookEventType[];

  /** `null` removes the filter (every definition). */
  @DefinitionKeysField({ nullable: true })
  definitionKeys?: string[] | null;

  @ApiPropertyOptional({ type: 'string', maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  /**
   * `paused` stops deliveries (they queue and go out in order once resumed); `enabled` resumes,
   * also after an automatic pause, with a fresh failure count.
   */
  @ApiPropertyOptional({ enum: ['enabled', 'paused'] })
  @IsOptional()
  @IsIn(['enabled', 'paused'])
  status?: 'enabled' | 'paused';

  /** Why it is paused (with `status: paused`), shown to the next admin. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  pausedReason?: string;
}
