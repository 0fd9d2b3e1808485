import { Injectable } from '@nestjs/common';
import { AuditService, userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';
import {
  AppError,
  assertIfMatch,
  CURSOR_VALUE,
  decodeCursor,
  encodeCursor,
  FlowgateConfig,
  nextLinkFor,
  PageQueryDto,
  pointerTo,
  TransactionRunner,
  withETag,
} from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { ReceiverAddress, ReceiverRefused } from '../delivery/receiver-address';
import { auditSnapshot, toSubscriptionDto } from '../webhook-dto.mapper';
import type { CreateWebhookSubscriptionDto } from './dto/create-webhook-subscription.dto';
import type { UpdateWebhookSubscriptionDto } from './dto/update-webhook-subscription.dto';
import type {
  CreatedWebhookSubscriptionDto,
  RotatedSecretDto,
  WebhookSubscriptionDto,
  WebhookSubscriptionListDto,
} from './dto/webhook-subscription.dto';
import { SecretBox } from './secret-box';
import { newSigningSecret } from './signing-secret';
import type { SubscriptionChanges, WebhookSubscription } from './webhook-subscription';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';

/**
 * Admin management of webhook subscriptions. Every write runs in one transaction with its audit
 * event (never the secret); a URL is checked against the SSRF rule before the transaction opens
 * (it resolves DNS, which must not hold a connection).
 */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly transactions: TransactionRunner,
    private readonly receivers: ReceiverAddress,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Principal, request: CreateWebhookSubscriptionDto): Promise<CreatedWebhookSubscriptionDto> {
    await this.assertReceiver(request.url);
    const secret = newSigningSecret();
    const created = await this.transactions.run(async (manager) => {
      const subscription = await this.subscriptions.insert(
        {
          url: request.url,
          description: request.description ?? null,
          eventTypes: request.eventTypes,
          definitionKeys: request.definitionKeys ?? null,
          secretSealed: this.secrets.seal(secret),
          createdBy: actor.userId,
        },
        manager,
      );
      await this.record(actor, 'webhook_subscription.created', subscription, manager, undefined);
      return subscription;
    });
    return withETag({ ...toSubscriptionDto(created), secret }, created.version);
  }

  async list(query: PageQueryDto, requestUrl: string): Promise<WebhookSubscriptionListDto> {
    const after = query.cursor
      ? decodeCursor(query.cursor, { createdAt: CURSOR_VALUE.isoMillis, id: CURSOR_VALUE.uuid })
      : undefined;
    // One extra row tells whether another page exists without a count query.
    const rows = await this.subscriptions.list({ after, limit: query.top + 1 });
    const page = rows.slice(0, query.top);
    const value = page.map((subscription) => toSubscriptionDto(subscription));
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    const cursor = encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id });
    return { value, nextLink: nextLinkFor(requestUrl, cursor) };
  }

  async get(id: string): Promise<WebhookSubscriptionDto> {
    const subscription = await this.subscriptions.findById(id);
    if (!subscription) throw notFound(id);
    return withETag(toSubscriptionDto(subscription), subscription.version);
  }

  /** Requires If-Match: two admins editing one endpoint must not silently undo each other. */
  async update(
    actor: Principal,
    id: string,
    request: UpdateWebhookSubscriptionDto,
    ifMatch: string | undefined,
  ): Promise<WebhookSubscriptionDto> {
    if (request.pausedReason !== undefined && request.status !== 'paused') {
      throw new AppError('validation_failed', 'pausedReason goes with status "paused".', {
        errors: [{ pointer: pointerTo('body', 'pausedReason'), detail: 'only with status paused', code: 'invalid' }],
      });
    }
    if (request.url !== undefined) await this.assertReceiver(request.url);
    const updated = await this.transactions.run(async (manager) => {
      const current = await this.lock(id, manager);
      assertIfMatch(ifMatch, current.version);
      const changes = changesFrom(request, current);
      if (Object.keys(changes).length === 0) return current;
      const subscription = await this.subscriptions.update(id, changes, manager);
      await this.record(actor, actionOf(current, subscription), subscription, manager, current);
      return subscription;
    });
    return withETag(toSubscriptionDto(updated), updated.version);
  }

  /** If-Match is honoured when sent; deleting needs no fresh read (nothing of it survives to lose). */
  async delete(actor: Principal, id: string, ifMatch: string | undefined): Promise<void> {
    await this.transactions.run(async (manager) => {
      const current = await this.lock(id, manager);
      if (ifMatch !== undefined) assertIfMatch(ifMatch, current.version);
      await this.subscriptions.delete(id, manager);
      await this.audit.record(
        {
          actor: userActor(actor),
          action: 'webhook_subscription.deleted',
          resource: { type: 'webhook_subscription', id },
          outcome: 'succeeded',
          before: auditSnapshot(current),
        },
        manager,
      );
    });
  }

  /** A new secret, shown once; the old one keeps signing for the rotation window. */
  async rotateSecret(actor: Principal, id: string): Promise<RotatedSecretDto> {
    const secret = newSigningSecret();
    const previousSecretExpiresAt = new Date(Date.now() + this.config.webhooks.rotationWindowSeconds * 1000);
    await this.transactions.run(async (manager) => {
      const current = await this.lock(id, manager);
      const rotated = await this.subscriptions.rotateSecret(
        id,
        this.secrets.seal(secret),
        previousSecretExpiresAt,
        manager,
      );
      await this.audit.record(
        {
          actor: userActor(actor),
          action: 'webhook_subscription.secret_rotated',
          resource: { type: 'webhook_subscription', id },
          outcome: 'succeeded',
          before: { version: current.version },
          after: { version: rotated.version, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
        },
        manager,
      );
    });
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
  }

  private async assertReceiver(url: string): Promise<void> {
    try {
      await this.receivers.check(url);
    } catch (error) {
      if (!(error instanceof ReceiverRefused)) throw error;
      throw new AppError('webhook_target_refused', error.message, {
        errors: [{ pointer: pointerTo('body', 'url'), detail: error.message, code: 'webhook_target_refused' }],
      });
    }
  }

  private async lock(id: string, manager: EntityManager): Promise<WebhookSubscription> {
    const subscription = await this.subscriptions.lockById(id, manager);
    if (!subscription) throw notFound(id);
    return subscription;
  }

  private async record(
    actor: Principal,
    action: string,
    subscription: WebhookSubscription,
    manager: EntityManager,
    before: WebhookSubscription | undefined,
  ): Promise<void> {
    await this.audit.record(
      {
        actor: userActor(actor),
        action,
        resource: { type: 'webhook_subscription', id: subscription.id },
        outcome: 'succeeded',
        before: before ? auditSnapshot(before) : undefined,
        after: auditSnapshot(subscription),
      },
      manager,
    );
  }
}

export function notFound(id: string): AppError {
  return new AppError('not_found', `There is no webhook subscription ${id}.`);
}

/** The fields that really change; pausing an already paused endpoint keeps its first reason. */
function changesFrom(request: UpdateWebhookSubscriptionDto, current: WebhookSubscription): SubscriptionChanges {
  const changes: { -readonly [K in keyof SubscriptionChanges]: SubscriptionChanges[K] } = {};
  if (request.url !== undefined && request.url !== current.url) changes.url = request.url;
  if (request.description !== undefined && request.description !== current.description) {
    changes.description = request.description;
  }
  if (request.eventTypes !== undefined && !sameList(request.eventTypes, current.eventTypes)) {
    changes.eventTypes = request.eventTypes;
  }
  if (request.definitionKeys !== undefined && !sameList(request.definitionKeys, current.definitionKeys)) {
    changes.definitionKeys = request.definitionKeys;
  }
  if (request.status !== undefined && request.status !== current.status) {
    changes.status = request.status;
    if (request.status === 'paused') changes.pausedReason = request.pausedReason ?? 'Paused by an admin.';
  }
  return changes;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return JSON.stringify(a === null ? null : [...a].sort()) === JSON.stringify(b === null ? null : [...b].sort());
}

function actionOf(before: WebhookSubscription, after: WebhookSubscription): string {
  if (before.status !== after.status) {
    return after.status === 'paused' ? 'webhook_subscription.paused' : 'webhook_subscription.resumed';
  }
  return 'webhook_subscription.updated';
}
