/**
 * Every stable error code the API can answer with, its HTTP status and its title. Clients and the
 * generated SDK branch on `code`; adding a code is fine, renaming or re-purposing one is a breaking
 * change. Feature libraries add their codes here so the whole catalogue stays in one reviewed list.
 */
export const ERROR_CATALOG = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_request: { status: 400, title: 'The request could not be parsed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  invalid_token: { status: 401, title: 'The access token is not valid' },
  session_revoked: { status: 401, title: 'The session was revoked' },
  step_up_required: { status: 401, title: 'A stronger authentication is required' },
  forbidden: { status: 403, title: 'Not allowed' },
  insufficient_role: { status: 403, title: 'Your roles do not allow this' },
  user_suspended: { status: 403, title: 'Your account is suspended' },
  self_modification_forbidden: { status: 403, title: 'You cannot change your own access' },
  grant_not_allowed: { status: 403, title: 'You cannot grant a role you do not hold' },
  separation_of_duties: { status: 403, title: 'Separation of duties forbids you this step' },
  initiator_only: { status: 403, title: 'Only the person who started this workflow may take this step' },
  assignee_only: { status: 403, title: 'Only a person assigned to this workflow may do this' },
  not_found: { status: 404, title: 'Resource not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this endpoint' },
  client_timeout: { status: 408, title: 'The request did not arrive in time' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  last_active_admin: { status: 409, title: 'The last active admin cannot be suspended' },
  transition_not_allowed: { status: 409, title: 'The transition is not allowed in the current state' },
  already_voted: { status: 409, title: 'You have already voted for this transition' },
  not_eligible: { status: 409, title: 'The person may take no step of this workflow in its current state' },
  already_assigned: { status: 409, title: 'Someone is already assigned to this workflow' },
  idempotency_key_in_use: { status: 409, title: 'A request with this idempotency key is still in progress' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  expectation_failed: { status: 417, title: 'The expectation cannot be met' },
  unprocessable: { status: 422, title: 'Request cannot be processed' },
  idempotency_key_reused: { status: 422, title: 'The idempotency key was used for a different request' },
  precondition_required: { status: 428, title: 'Precondition required' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal_error: { status: 500, title: 'Internal server error' },
  dependency_unavailable: { status: 503, title: 'A dependency is unavailable' },
  request_timeout: { status: 503, title: 'The request took too long' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Problem type URIs are identifiers first; `docs/api/errors.md` documents each one. */
export const PROBLEM_TYPE_BASE = 'https://flowgate.dev/problems/';

export function problemTypeFor(code: ErrorCode): string {
  return PROBLEM_TYPE_BASE + code.replace(/_/g, '-');
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

/** The code used for a bare HTTP status when nothing more specific is known. */
export function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(ERROR_CATALOG) as ErrorCode[]).find((code) => ERROR_CATALOG[code].status === status);
  if (match) return match;
  return status >= 500 ? 'internal_error' : 'malformed_request';
}
