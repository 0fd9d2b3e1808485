import type { MigrationList } from '@flowgate/core';
import { CreateIdempotencyRecords1795818000000 } from './1795818000000-CreateIdempotencyRecords';
import { StoreIdempotentResponseBytes1795822000000 } from './1795822000000-StoreIdempotentResponseBytes';

/** The traffic feature's table (idempotency_records), in order. */
export const TRAFFIC_MIGRATIONS: MigrationList = [
  CreateIdempotencyRecords1795818000000,
  StoreIdempotentResponseBytes1795822000000,
];
