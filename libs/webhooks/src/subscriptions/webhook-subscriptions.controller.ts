import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import {
  ApiProblemResponses,
  CACHE_POLICIES,
  CacheControl,
  HttpReply,
  IfMatch,
  PageQueryDto,
  PublicBaseUrl,
  RequestUrl,
  SendsETag,
  SendsLocation,
  SensitiveRateLimit,
  UuidParam,
} from '@flowgate/core';
import { CreateWebhookSubscriptionDto } from './dto/create-webhook-subscription.dto';
import { UpdateWebhookSubscriptionDto } from './dto/update-webhook-subscription.dto';
import {
  CreatedWebhookSubscriptionDto,
  RotatedSecretDto,
  WebhookSubscriptionDto,
  WebhookSubscriptionListDto,
} from './dto/webhook-subscription.dto';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

const SubscriptionId = () => UuidParam('id');

/**
 * No `Idempotency-Key` on create and rotate-secret: their answers hold a signing secret, which a
 * stored idempotent response would keep at rest in clear (ADR 15).
 */
@ApiTags('Webhooks')
@Controller({ path: 'webhook-subscriptions', version: '1' })
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @Post()
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @SendsETag()
  @SendsLocation()
  @ApiOperation({
    summary: 'Subscribe an endpoint to events',
    description:
      'The answer carries the signing secret, once. The URL must be https in production and resolve to public ' +
      'addresses only (422 otherwise). Not idempotent: a retry creates a second subscription.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookSubscriptionDto, description: 'The subscription and its secret.' })
  @ApiProblemResponses(400, 422)
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body() request: CreateWebhookSubscriptionDto,
    @Res({ passthrough: true }) res: HttpReply,
    @PublicBaseUrl() base: string,
  ): Promise<CreatedWebhookSubscriptionDto> {
    const created = await this.subscriptions.create(actor, request);
    res.header('Location', `${base}/v1/webhook-subscriptions/${created.id}`);
    return created;
  }

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: 'List webhook subscriptions', description: 'Newest first, keyset-paged.' })
  @ApiOkResponse({ type: WebhookSubscriptionListDto, description: 'A page of subscriptions.' })
  @ApiProblemResponses(400)
  list(@Query() query: PageQueryDto, @RequestUrl() url: string): Promise<WebhookSubscriptionListDto> {
    return this.subscriptions.list(query, url);
  }

  @Get(':id')
  @Authenticated({ role: 'admin' })
  @SendsETag()
  @CacheControl(CACHE_POLICIES.revalidate)
  @ApiOperation({ summary: 'Get a webhook subscription', description: 'The response carries an ETag for `If-Match`.' })
  @ApiOkResponse({ type: WebhookSubscriptionDto, description: 'The subscription (never its secret).' })
  @ApiProblemResponses(400, 404)
  get(@SubscriptionId() id: string): Promise<WebhookSubscriptionDto> {
    return this.subscriptions.get(id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @SendsETag()
  @ApiOperation({
    summary: 'Change, pause or resume a webhook subscription',
    description: 'Requires If-Match. `status: enabled` resumes an endpoint, also one paused automatically.',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /v1/webhook-subscriptions/{id}.' })
  @ApiOkResponse({ type: WebhookSubscriptionDto, description: 'The updated subscription.' })
  @ApiProblemResponses(400, 404, 412, 422, 428)
  update(
    @CurrentPrincipal() actor: Principal,
    @SubscriptionId() id: string,
    @Body() request: UpdateWebhookSubscriptionDto,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<WebhookSubscriptionDto> {
    return this.subscriptions.update(actor, id, request, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @ApiOperation({ summary: 'Delete a webhook subscription', description: 'Its undelivered messages are dropped.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When sent, the delete happens only at that version.' })
  @ApiNoContentResponse({ description: 'The subscription is gone.' })
  @ApiProblemResponses(400, 404, 412)
  delete(
    @CurrentPrincipal() actor: Principal,
    @SubscriptionId() id: string,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<void> {
    return this.subscriptions.delete(actor, id, ifMatch);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description:
      'A new secret, shown once. Both sign every message until `previousSecretExpiresAt` (the configured ' +
      'rotation window), so the receiver can switch without losing a message.',
  })
  @ApiOkResponse({ type: RotatedSecretDto, description: 'The new secret.' })
  @ApiProblemResponses(400, 404)
  rotateSecret(@CurrentPrincipal() actor: Principal, @SubscriptionId() id: string): Promise<RotatedSecretDto> {
    return this.subscriptions.rotateSecret(actor, id);
  }
}
