import { Module } from '@nestjs/common';
import { AuditModule } from '@flowgate/audit';
import { DatabaseModule } from '@flowgate/core';
import { DeliveryOutcomes } from './delivery/delivery-outcomes';
import { WebhookDeliveryJob } from './delivery/webhook-delivery.job';
import { WebhookSender } from './delivery/webhook-sender';
import { OutboxRelayJob } from './relay/outbox-relay.job';
import { WebhookRetentionJob } from './retention/webhook-retention.job';
import { WebhookRetentionRepository } from './retention/webhook-retention.repository';
import { WebhookStoreModule } from './webhook-store.module';

/**
 * The worker half: the outbox relay, the deliverer and the retention purge, as `WorkerJob`s for the worker's runner
 * (`WEBHOOK_JOBS` lists them in the order to run).
 */
@Module({
  imports: [
    WebhookStoreModule,
    DatabaseModule,
    // Automatic pauses are audited (by the system).
    AuditModule,
  ],
  providers: [
    OutboxRelayJob,
    WebhookDeliveryJob,
    WebhookRetentionJob,
    WebhookRetentionRepository,
    DeliveryOutcomes,
    WebhookSender,
  ],
  exports: [OutboxRelayJob, WebhookDeliveryJob, WebhookRetentionJob],
})
export class WebhookJobsModule {}

/** The jobs `WebhookJobsModule` provides: publish first, then deliver, then clean up. */
export const WEBHOOK_JOBS = [OutboxRelayJob, WebhookDeliveryJob, WebhookRetentionJob] as const;
