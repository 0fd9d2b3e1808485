import { AUTH_ERROR_CODES } from '@flowgate/auth';
import { registerErrorCodes } from '@flowgate/core';
import { TRAFFIC_ERROR_CODES } from '@flowgate/traffic';
import { USERS_ERROR_CODES } from '@flowgate/users';
import { WEBHOOKS_ERROR_CODES } from '@flowgate/webhooks';
import { WORKFLOWS_ERROR_CODES } from '@flowgate/workflows';

/**
 * Every feature's error codes, after core's generic ones: within one status the catalogue
 * (`GET /v1/problem-types`, the contract's response descriptions) lists them in this order.
 */
export const API_ERROR_CODES = [
  AUTH_ERROR_CODES,
  USERS_ERROR_CODES,
  WORKFLOWS_ERROR_CODES,
  TRAFFIC_ERROR_CODES,
  WEBHOOKS_ERROR_CODES,
];

/** Idempotent; throws when two features declare one code. */
export function registerApiErrorCodes(): void {
  registerErrorCodes(...API_ERROR_CODES);
}
