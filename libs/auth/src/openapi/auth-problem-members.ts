import { ROLES } from '@flowgate/roles';

/**
 * The problem members this library's refusals carry (`insufficient_role`, `step_up_required`),
 * for the contract's problem schema (apps/api passes them to the OpenAPI builder), so generated
 * clients type them.
 */
export const AUTH_PROBLEM_MEMBERS = {
  requiredRole: { type: 'string', enum: [...ROLES], description: '`insufficient_role`: the role the operation needs.' },
  reason: {
    type: 'string',
    enum: ['no_strong_authentication', 'authentication_too_old'],
    description: '`step_up_required`: why the sign-in is not strong or recent enough.',
  },
  challengeFormat: {
    type: 'string',
    enum: ['entra_claims_challenge', 'rfc9470'],
    description: '`step_up_required`: the form of the `WWW-Authenticate` challenge.',
  },
  acrValues: {
    type: 'string',
    description: '`step_up_required`: the authentication context(s) to request (`acr_values`).',
  },
  claims: {
    type: 'string',
    description: '`step_up_required` (Entra claims challenge): the base64 claims request to pass back to Entra ID.',
  },
  maxAge: {
    type: 'integer',
    minimum: 1,
    maximum: 86_400,
    description: '`step_up_required`: the strong sign-in must be at most this many seconds old.',
  },
  signInUrl: {
    type: 'string',
    description:
      'Browser sessions (cookie): where the page sends the person to sign in again (`step_up_required`: ' +
      '`/auth/login?stepUp=…`; `session_expired`, `session_revoked`: `/auth/login`).',
  },
} as const;
