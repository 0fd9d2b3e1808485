import { AUTH_PROBLEM_MEMBERS } from '@flowgate/auth';
import type { OpenApiInfo } from '@flowgate/core';
import { TRAFFIC_PROBLEM_MEMBERS } from '@flowgate/traffic';
import { WEBHOOK_EVENTS_OPENAPI } from '@flowgate/webhooks';
import { WORKFLOW_PROBLEM_MEMBERS } from '@flowgate/workflows';

export const API_INFO: OpenApiInfo = {
  title: 'Flowgate API',
  description: [
    'Multi-step business workflows (requests, approvals, sign-offs) on Entra ID identities.',
    '',
    'Every error is an RFC 9457 `application/problem+json` document with a stable `code`;',
    '`GET /v1/problem-types` lists them all. Every response carries `X-Request-Id`, and, where the',
    'deployment traces requests, `traceresponse` (W3C Trace Context: the id of the trace that recorded it).',
    '',
    'Authentication: an Entra ID (or other trusted OIDC issuer) access token as `Authorization: Bearer`.',
    'Every operation requires one unless it says `security: []`. `x-required-role` names the minimum',
    'role (viewer < requester < approver < admin; auditor implies viewer); `x-step-up-required` marks',
    'operations that need a recent multi-factor sign-in (401 `step_up_required` with a challenge otherwise).',
  ].join('\n'),
  version: '1.0.0',
  license: { name: 'Proprietary', url: 'https://flowgate.dev/license' },
  problemMembers: { ...AUTH_PROBLEM_MEMBERS, ...TRAFFIC_PROBLEM_MEMBERS, ...WORKFLOW_PROBLEM_MEMBERS },
  webhooks: WEBHOOK_EVENTS_OPENAPI,
  tags: [
    {
      name: 'Identity',
      description: 'The caller (`/v1/me`) and the role hierarchy. Any authenticated, active user.',
    },
    {
      name: 'Users',
      description: 'Admin-only user management: status, role grants, session revocation. Changes need step-up (MFA).',
    },
    {
      name: 'Audit',
      description:
        'The append-only, hash-chained audit trail and its signed anchors. Auditor role only (admin does not imply it), ' +
        'except the anchors’ public keys, which anyone may fetch.',
    },
    {
      name: 'Workflow definitions',
      description: 'Versioned, immutable process definitions: states, guarded transitions, input schemas.',
    },
    {
      name: 'Workflows',
      description: 'Instances of a definition: start them, take transitions, see what you may do and what happened.',
    },
    {
      name: 'Webhooks',
      description:
        'Admin-only webhook subscriptions: endpoints that receive workflow events, signed per Standard Webhooks; ' +
        'their delivery log and redelivery. Changes need step-up (MFA). The events themselves are under `webhooks`.',
    },
    {
      name: 'Browser sign-in',
      description:
        'The signed-in browser session (cookie): who it is, and signing out. Signing in is a browser navigation ' +
        '(`GET /auth/login`), outside this document (docs/auth.md).',
    },
    { name: 'Problem types', description: 'The error codes problem responses carry, and what each one means.' },
    {
      name: 'Operations',
      description: 'Probes and metrics for orchestrators and monitoring; not for application clients.',
    },
  ],
};
