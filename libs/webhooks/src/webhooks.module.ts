import { Module } from '@nestjs/common';
import { AuditModule } from '@flowgate/audit';
import { DatabaseModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { WebhookDeliveriesController } from './deliveries/webhook-deliveries.controller';
import { WebhookDeliveriesService } from './deliveries/webhook-deliveries.service';
import { WebhookSubscriptionsController } from './subscriptions/webhook-subscriptions.controller';
import { WebhookSubscriptionsService } from './subscriptions/webhook-subscriptions.service';
import { WebhookStoreModule } from './webhook-store.module';

/** The API half: webhook subscriptions (admin), the delivery log and redelivery. */
@Module({
  imports: [
    WebhookStoreModule,
    DatabaseModule,
    // Every admin write is audited.
    AuditModule,
    // `@Idempotent()` redelivery.
    TrafficModule,
  ],
  controllers: [WebhookSubscriptionsController, WebhookDeliveriesController],
  providers: [WebhookSubscriptionsService, WebhookDeliveriesService],
})
export class WebhooksModule {}
