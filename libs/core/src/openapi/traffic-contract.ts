import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

type ResponseObject = OperationObject['responses'][string] & { headers?: Record<string, unknown> };
import { problemResponseObject } from './api-problem-responses.decorator';

const HEADERS: Record<string, { description: string; schema: Record<string, unknown> }> = {
  RateLimit: {
    description:
      'What remains of each rate-limit policy applied to this request (IETF draft-ietf-httpapi-ratelimit-headers): ' +
      '`"<policy>";r=<remaining>;t=<seconds until the window restarts>`, one list item per policy. Present on ' +
      'every answer given after the request was counted against a budget (so not on most 401s and 403s).',
    schema: { type: 'string', examples: ['"principal";r=598;t=41'] },
  },
  'RateLimit-Policy': {
    description:
      'The rate-limit policies applied to this request: `"<policy>";q=<requests>;w=<window seconds>` per policy.',
    schema: { type: 'string', examples: ['"principal";q=600;w=60'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0, maximum: 86_400 },
  },
  'Idempotent-Replayed': {
    description: 'Present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

export interface TrafficContractOptions {
  readonly idempotencyRetentionSeconds: number;
}

/**
 * Writes the traffic rules into the contract, from the extensions the decorators leave: every
 * rate-limited operation (all but `x-rate-limit-exempt`) lists its policies, a 429 with
 * `Retry-After`, and the `RateLimit` headers on every response (whatever is answered after the
 * limiter counted the request carries them, refusals included); every `x-idempotency` operation
 * its replay header and this deployment's retention.
 */
export function declareTrafficContract(document: OpenAPIObject, options: TrafficContractOptions): OpenAPIObject {
  document.components ??= {};
  document.components.headers = { ...document.components.headers, ...(structuredClone(HEADERS) as object) };
  for (const operation of Object.values(document.paths).flatMap((item) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) => item[method] ?? []),
  )) {
    const extensions = operation as unknown as Record<string, unknown>;
    if (extensions['x-rate-limit-exempt'] !== true) declareRateLimits(operation, extensions);
    const idempotency = extensions['x-idempotency'] as Record<string, unknown> | undefined;
    if (idempotency) {
      extensions['x-idempotency'] = { ...idempotency, retentionSeconds: options.idempotencyRetentionSeconds };
      for (const response of successResponses(operation)) {
        response.headers = { ...response.headers, 'Idempotent-Replayed': ref('Idempotent-Replayed') };
      }
    }
  }
  return document;
}

function declareRateLimits(operation: OperationObject, extensions: Record<string, unknown>): void {
  const base = extensions['x-public'] === true ? 'anonymous' : 'principal';
  const extra = (extensions['x-rate-limit-policies'] as string[] | undefined) ?? [];
  extensions['x-rate-limit-policies'] = [base, ...extra];
  operation.responses['429'] = { ...problemResponseObject(429), headers: { 'Retry-After': ref('Retry-After') } };
  for (const response of Object.values(operation.responses) as ResponseObject[]) {
    response.headers = {
      ...response.headers,
      RateLimit: ref('RateLimit'),
      'RateLimit-Policy': ref('RateLimit-Policy'),
    };
  }
}

function successResponses(operation: OperationObject): ResponseObject[] {
  return Object.entries(operation.responses)
    .filter(([status]) => /^2\d\d$/.test(status))
    .map(([, response]) => response as ResponseObject);
}
