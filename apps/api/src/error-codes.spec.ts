import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as audit from '@flowgate/audit';
import * as auth from '@flowgate/auth';
import { CORE_ERROR_CODES, ErrorCatalogue } from '@flowgate/core';
import * as traffic from '@flowgate/traffic';
import * as users from '@flowgate/users';
import * as webhooks from '@flowgate/webhooks';
import * as workflows from '@flowgate/workflows';
import { API_ERROR_CODES } from './error-codes';

const ROOT = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'testing' ? [] : sourceFiles(path);
    return /(?<!\.spec|\.int-spec|\.e2e-spec)\.ts$/.test(name) ? [path] : [];
  });
}

describe('API_ERROR_CODES', () => {
  const catalogue = new ErrorCatalogue(CORE_ERROR_CODES, ...API_ERROR_CODES);

  it('declares no code twice (features and core share one namespace)', () => {
    // The constructor throws on a code declared twice; this names the code if it ever does.
    expect(() => new ErrorCatalogue(CORE_ERROR_CODES, ...API_ERROR_CODES)).not.toThrow();
  });

  it("registers every feature's set", () => {
    const exported = [audit, auth, traffic, users, webhooks, workflows].flatMap((library) =>
      Object.entries(library)
        .filter(([name]) => name.endsWith('_ERROR_CODES'))
        .map(([, set]) => set as object),
    );
    expect(new Set(API_ERROR_CODES)).toEqual(new Set(exported));
  });

  it('registers every code a `new AppError(...)` in production code names', () => {
    const used = new Map<string, string>();
    for (const file of [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))]) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/\bAppError\(\s*'([a-z_]+)'/g)) {
        used.set(code, relative(ROOT, file));
      }
    }
    expect(used.size).toBeGreaterThan(20);
    const unregistered = [...used].filter(([code]) => !catalogue.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(unregistered).toEqual([]);
  });

  it('documents every code in docs/api/errors.md', () => {
    const guide = readFileSync(join(ROOT, 'docs/api/errors.md'), 'utf8');
    expect(catalogue.list().filter(({ code }) => !guide.includes(`\`${code}\``))).toEqual([]);
  });

  // The published catalogue is part of the contract: codes keep their status, and their order
  // (by status, core's first) keeps the contract's response descriptions stable.
  it('publishes the catalogue clients know, in its order', () => {
    expect(catalogue.list().map(({ code, status }) => `${status} ${code}`)).toEqual([
      '400 validation_failed',
      '400 malformed_request',
      '400 sign_in_failed',
      '400 return_to_not_allowed',
      '401 unauthenticated',
      '401 invalid_token',
      '401 session_revoked',
      '401 step_up_required',
      '401 session_expired',
      '401 session_unavailable',
      '403 forbidden',
      '403 insufficient_role',
      '403 user_suspended',
      '403 csrf_rejected',
      '403 self_modification_forbidden',
      '403 grant_not_allowed',
      '403 separation_of_duties',
      '403 initiator_only',
      '403 assignee_only',
      '404 not_found',
      '404 route_not_found',
      '405 method_not_allowed',
      '408 client_timeout',
      '409 conflict',
      '409 last_active_admin',
      '409 transition_not_allowed',
      '409 condition_not_met',
      '409 invalid_data_change',
      '409 already_voted',
      '409 not_eligible',
      '409 already_assigned',
      '409 idempotency_key_in_use',
      '409 delivery_in_progress',
      '412 precondition_failed',
      '413 payload_too_large',
      '415 unsupported_media_type',
      '417 expectation_failed',
      '422 unprocessable',
      '422 idempotency_key_reused',
      '422 webhook_target_refused',
      '428 precondition_required',
      '429 too_many_requests',
      '431 headers_too_large',
      '500 internal_error',
      '503 dependency_unavailable',
      '503 request_timeout',
    ]);
  });
});
