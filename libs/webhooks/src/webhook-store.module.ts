import { Module } from '@nestjs/common';
import { DatabaseModule, MetricsModule } from '@flowgate/core';
import { WebhookDeliveriesRepository } from './deliveries/webhook-deliveries.repository';
import { ReceiverAddress } from './delivery/receiver-address';
import { OutboxRelayRepository } from './relay/outbox-relay.repository';
import { SecretBox } from './subscriptions/secret-box';
import { WebhookSubscriptionsRepository } from './subscriptions/webhook-subscriptions.repository';
import { WebhookMetrics } from './webhook-metrics';

/**
 * What the API half (subscriptions, the delivery log) and the worker half (relay, deliverer) share:
 * the repositories, the secret box, the SSRF rule and the metrics. One module, imported by both, so
 * an app that runs both halves (development's `npm start`) has one of each (a metric registered
 * twice would throw).
 */
@Module({
  imports: [DatabaseModule, MetricsModule],
  providers: [
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    OutboxRelayRepository,
    SecretBox,
    ReceiverAddress,
    WebhookMetrics,
  ],
  exports: [
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    OutboxRelayRepository,
    SecretBox,
    ReceiverAddress,
    WebhookMetrics,
  ],
})
export class WebhookStoreModule {}
