import type { OpenApiInfo } from '@flowgate/core';

export const API_INFO: OpenApiInfo = {
  title: 'Flowgate API',
  description: [
    'Multi-step business workflows (requests, approvals, sign-offs) on Entra ID identities.',
    '',
    'Every error is an RFC 9457 `application/problem+json` document with a stable `code`;',
    '`GET /v1/problem-types` lists them all. Every response carries `X-Request-Id`.',
  ].join('\n'),
  version: '1.0.0',
  license: { name: 'Proprietary', url: 'https://flowgate.dev/license' },
  tags: [
    { name: 'Problem types', description: 'The error codes problem responses carry, and what each one means.' },
    {
      name: 'Operations',
      description: 'Probes and metrics for orchestrators and monitoring; not for application clients.',
    },
  ],
};
