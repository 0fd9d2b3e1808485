import type { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** One event a receiver may get: what it means and the class describing its JSON payload. */
export interface OpenApiWebhook {
  readonly summary: string;
  readonly description: string;
  readonly payload: Type<unknown>;
}

/** The Standard Webhooks headers every message carries. */
const SIGNATURE_HEADERS = [
  ['webhook-id', 'The message id: the same on every attempt and redelivery; deduplicate by it.'],
  ['webhook-timestamp', "The attempt's time, in seconds since the epoch; refuse old ones (replay)."],
  ['webhook-signature', 'Space-separated `v1,<base64>` HMAC-SHA256 signatures; two during a secret rotation.'],
] as const;

/** Sent when the worker traces (W3C Trace Context); not covered by the signature. */
const TRACE_HEADER = {
  name: 'traceparent',
  in: 'header',
  required: false,
  description:
    "W3C Trace Context of this delivery attempt's span, sent when Flowgate's worker traces: a receiver that " +
    'traces continues the trace. Not covered by the signature: treat it as a correlation hint, not as data.',
  schema: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
} as const;

/**
 * The OpenAPI 3.1 `webhooks` section: one POST per event type (named in the summary), the payload by reference to its
 * schema (the payload classes join the components as extra models), the signature headers and `traceparent`, and
 * what the receiver's answer means. Generated clients type the payloads from it.
 */
export function declareWebhooks(document: OpenAPIObject, webhooks: Readonly<Record<string, OpenApiWebhook>>): void {
  const section: Record<string, unknown> = {};
  for (const [name, webhook] of Object.entries(webhooks)) {
    // Keyed in kebab-case like paths (`workflow.vote_recorded` → `workflow-vote-recorded`); the
    // payload's `type` carries the event type's own name.
    section[name.replace(/[._]/g, '-')] = {
      post: {
        operationId: `Webhooks_${name.replace(/[._]([a-z])/g, (_match, letter: string) => letter.toUpperCase())}`,
        tags: ['Webhooks'],
        summary: `${name}: ${webhook.summary}`,
        description: webhook.description,
        security: [],
        parameters: [
          ...SIGNATURE_HEADERS.map(([header, description]) => ({
            name: header,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          TRACE_HEADER,
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${webhook.payload.name}` } } },
        },
        responses: {
          '2XX': { description: 'Received: the delivery ends.' },
          default: { description: 'Anything else (or no answer in time) is retried with backoff.' },
        },
      },
    };
  }
  document.webhooks = section as OpenAPIObject['webhooks'];
}
