import type { MigrationList } from '@flowgate/core';
import { CreateWebhooks1795823700000 } from './1795823700000-CreateWebhooks';
import { AddDeliveryTraceContext1795825610000 } from './1795825610000-AddDeliveryTraceContext';

/**
 * The webhooks feature's tables (subscriptions, deliveries) and its index on the outbox. They
 * reference `users (id)` and `outbox_events`: the users and workflows migrations run first.
 */
export const WEBHOOKS_MIGRATIONS: MigrationList = [CreateWebhooks1795823700000, AddDeliveryTraceContext1795825610000];
