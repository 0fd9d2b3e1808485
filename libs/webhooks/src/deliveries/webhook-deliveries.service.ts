import { Injectable } from '@nestjs/common';
import { AuditService, userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';
import { AppError, decodeCursor, encodeCursor, nextLinkFor, TransactionRunner } from '@flowgate/core';
import { notFound } from '../subscriptions/webhook-subscriptions.service';
import { WebhookSubscriptionsRepository } from '../subscriptions/webhook-subscriptions.repository';
import { toDeliveryDto } from '../webhook-dto.mapper';
import type { ListDeliveriesQueryDto, WebhookDeliveryDto, WebhookDeliveryListDto } from './dto/webhook-delivery.dto';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

const SEQ = (value: string) => /^[1-9]\d{0,18}$/.test(value);

/** The delivery log of a subscription, and manual redelivery. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async list(
    subscriptionId: string,
    query: ListDeliveriesQueryDto,
    requestUrl: string,
  ): Promise<WebhookDeliveryListDto> {
    if (!(await this.subscriptions.findById(subscriptionId))) throw notFound(subscriptionId);
    const before = query.cursor ? decodeCursor(query.cursor, { seq: SEQ }).seq : undefined;
    const rows = await this.deliveries.listOfSubscription(subscriptionId, {
      status: query.status,
      beforeSeq: before,
      limit: query.top + 1,
    });
    const page = rows.slice(0, query.top);
    const value = page.map(toDeliveryDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ seq: last.seq })) };
  }

  /**
   * Sends a delivery again — a dead letter, a delivered message the receiver lost, or a pending one
   * right now — with a fresh retry budget and the same `webhook-id`. While it is open it holds back
   * later events of its instance to this endpoint, as any open delivery does. Refused (409) while an
   * attempt is running: its outcome would overwrite the request.
   */
  async redeliver(actor: Principal, subscriptionId: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const requeued = await this.transactions.run(async (manager) => {
      const delivery = await this.deliveries.findOfSubscription(subscriptionId, deliveryId, manager);
      if (!delivery)
        throw new AppError('not_found', `There is no delivery ${deliveryId} of subscription ${subscriptionId}.`);
      if (delivery.status === 'delivering') {
        throw new AppError('delivery_in_progress', 'The delivery is being attempted now; redeliver it once it ends.');
      }
      const queued = await this.deliveries.requeue(delivery.id, manager);
      await this.audit.record(
        {
          actor: userActor(actor),
          action: 'webhook_delivery.redelivered',
          resource: { type: 'webhook_delivery', id: delivery.id },
          outcome: 'succeeded',
          before: { status: delivery.status, attempts: delivery.attempts, subscriptionId },
          after: { status: queued.status, messageId: queued.messageId },
        },
        manager,
      );
      return queued;
    });
    return toDeliveryDto(requeued);
  }
}
