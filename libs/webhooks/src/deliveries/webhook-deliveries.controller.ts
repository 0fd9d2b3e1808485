import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import { ApiProblemResponses, RequestUrl, SensitiveRateLimit, UuidParam } from '@flowgate/core';
import { Idempotent } from '@flowgate/traffic';
import { ListDeliveriesQueryDto, WebhookDeliveryDto, WebhookDeliveryListDto } from './dto/webhook-delivery.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('Webhooks')
@Controller({ path: 'webhook-subscriptions/:id/deliveries', version: '1' })
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'List the deliveries of a subscription',
    description: 'Newest first, keyset-paged; filter by status (`dead` lists the dead letters).',
  })
  @ApiOkResponse({ type: WebhookDeliveryListDto, description: 'A page of deliveries.' })
  @ApiProblemResponses(400, 404)
  list(
    @UuidParam('id') id: string,
    @Query() query: ListDeliveriesQueryDto,
    @RequestUrl() url: string,
  ): Promise<WebhookDeliveryListDto> {
    return this.deliveries.list(id, query, url);
  }

  @Post(':deliveryId/redeliver')
  @HttpCode(202)
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @Idempotent({ required: false })
  @ApiOperation({
    summary: 'Redeliver a message',
    description:
      'Queues the delivery again now (same `webhook-id`, fresh retry budget): a dead letter, or a message the ' +
      'receiver lost. 409 while an attempt is running.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'The delivery, queued.' })
  @ApiProblemResponses(400, 404, 409)
  redeliver(
    @CurrentPrincipal() actor: Principal,
    @UuidParam('id') id: string,
    @UuidParam('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.deliveries.redeliver(actor, id, deliveryId);
  }
}
