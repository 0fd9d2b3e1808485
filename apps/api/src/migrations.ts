import { AUDIT_MIGRATIONS } from '@flowgate/audit';
import { orderMigrations } from '@flowgate/core';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { USERS_MIGRATIONS } from '@flowgate/users';
import { WEBHOOKS_MIGRATIONS } from '@flowgate/webhooks';
import { WORKFLOWS_MIGRATIONS } from '@flowgate/workflows';

/**
 * Every feature's migrations, in timestamp order: what the app runs at start-up (outside
 * production), `npm run migration:*` runs, and the test set-up runs. Each feature owns its list;
 * an existing database recognises them by class name, whichever library the files live in.
 */
export const API_MIGRATIONS = orderMigrations(
  USERS_MIGRATIONS,
  AUDIT_MIGRATIONS,
  TRAFFIC_MIGRATIONS,
  WORKFLOWS_MIGRATIONS,
  WEBHOOKS_MIGRATIONS,
);
