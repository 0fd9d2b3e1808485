import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { WebhookEventType } from '../../events/webhook-event-types';
import { DefinitionKeysField, EventTypesField, ReceiverUrlField } from './subscription-fields';

export class CreateWebhookSubscriptionDto {
  /**
   * Where events are POSTed: https (required in production), no credentials; its host must resolve
   * to public addresses only (docs/webhooks.md, "Receivers Flowgate may call").
   * @example "https://erp.example.com/hooks/flowgate"
   */
  @ReceiverUrlField({ optional: false })
  url!: string;

  /** The event types to receive. */
  @EventTypesField({ optional: false })
  eventTypes!: WebhookEventType[];

  /** Only events of instances of these definitions; every definition when absent. */
  @DefinitionKeysField({ nullable: false })
  definitionKeys?: string[];

  /** For the people who manage it: what receives these events, who to call. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
