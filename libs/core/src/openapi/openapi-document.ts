import type { INestApplication } from '@nestjs/common';
import { OpenAPIObject, OperationObject, SwaggerModule } from '@nestjs/swagger';
import { describeProblemResponses, problemResponseObject } from './api-problem-responses.decorator';
import { upgradeToOpenApi31 } from './openapi-3-1';
import { ProblemDetailsDto } from './problem-details.dto';
import { declareConditionalGets, declareResponseHeaders } from './response-headers';
import { declareTrafficContract, TrafficContractOptions } from './traffic-contract';
import { declareWebhooks, type OpenApiWebhook } from './webhooks-section';

export interface OpenApiInfo {
  readonly title: string;
  readonly description: string;
  readonly version: string;
  readonly license: { readonly name: string; readonly url: string };
  /** Every tag a controller uses, in the order the docs list them (lint rejects undeclared ones). */
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  /**
   * Problem extension members the feature libraries send (each exports its own, e.g. the roles a
   * 403 names), as JSON Schemas: added to the problem schema so generated clients type them.
   */
  readonly problemMembers: Readonly<Record<string, object>>;
  /** The events the API sends to webhook subscribers (OpenAPI 3.1 `webhooks`), by event type. */
  readonly webhooks?: Readonly<Record<string, OpenApiWebhook>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** `HealthController.live` → `Health_live`: stable, readable SDK method names. */
export function operationIdFor(controllerKey: string, methodKey: string): string {
  return `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;
}

/**
 * Builds the OpenAPI 3.1 document from the application's controllers and DTOs. The served
 * `/openapi.json` and the committed `openapi.json` both come from here; they match as long as the
 * export's app is routed like the served one (same versioning, no global prefix).
 */
export function buildOpenApiDocument(
  app: INestApplication,
  info: OpenApiInfo,
  traffic: TrafficContractOptions,
): OpenAPIObject {
  const scanned = SwaggerModule.createDocument(
    app,
    {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version, license: { ...info.license } },
      servers: [{ url: '/', description: 'This deployment' }],
      tags: info.tags.map((tag) => ({ ...tag })),
    },
    {
      operationIdFactory: operationIdFor,
      extraModels: [ProblemDetailsDto, ...Object.values(info.webhooks ?? {}).map((webhook) => webhook.payload)],
    },
  );
  if (info.webhooks) declareWebhooks(scanned, info.webhooks);
  declareProblemMembers(describeProblemResponses(scanned), info.problemMembers);
  const withConditionalGets = declareConditionalGets(declareSecurity(addCommonProblemResponses(scanned)));
  const declared = declareResponseHeaders(declareTrafficContract(withConditionalGets, traffic));
  return upgradeToOpenApi31(inCanonicalOrder(declared));
}

/** Feature libraries' problem members join core's in the one problem schema. */
function declareProblemMembers(document: OpenAPIObject, members: Readonly<Record<string, object>>): void {
  const schema = document.components?.schemas?.[ProblemDetailsDto.name] as { properties?: Record<string, unknown> };
  if (!schema?.properties) throw new Error('The problem schema is missing from the scanned document');
  for (const [name, member] of Object.entries(members)) {
    if (name in schema.properties) throw new Error(`Problem member ${name} is declared twice`);
    schema.properties[name] = structuredClone(member);
  }
}

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((pathItem) => METHODS.flatMap((method) => pathItem[method] ?? []));
}

/**
 * Responses every operation can give whatever its code says: 400 anywhere (an unknown query
 * parameter, a body where none is taken, text the database cannot store, a repeated header),
 * 500 anywhere, 503 when the request times out, and the body problems (413, 415) wherever a body
 * is accepted.
 */
export function addCommonProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operationsOf(document)) {
    const statuses = [400, 500, 503, ...(operation.requestBody ? [413, 415] : [])];
    for (const status of statuses) operation.responses[String(status)] ??= problemResponseObject(status);
    operation.responses['4XX'] ??= problemResponseObject('4XX');
  }
  return document;
}

/**
 * Deny by default, in the contract as in the guards: the document requires a bearer token or a
 * browser session everywhere (root `security`), and only operations marked `@Public()`
 * (`x-public`) say `security: []`. A route nobody annotated is documented as protected, which is
 * what it is.
 */
export function declareSecurity(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An Entra ID (or other trusted OIDC issuer) access token for this API.',
    },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-flowgate-session',
      description:
        'A browser session from `GET /auth/login` (HttpOnly; `flowgate-session` in development over http). ' +
        'Writes also need `X-CSRF-Token` (from `GET /auth/session`) and a same-origin `Origin`.',
    },
  };
  document.security = [{ bearer: [] }, { session: [] }];
  for (const operation of operationsOf(document)) {
    if ((operation as unknown as Record<string, unknown>)['x-public'] === true) operation.security = [];
    else delete operation.security;
  }
  return document;
}

/**
 * Sorts paths and schemas so that the committed file's diff shows what changed, not the order
 * modules happened to be imported in. Code-unit order, not `localeCompare`, so every machine
 * sorts the same way. (Response codes need no sorting: JavaScript orders integer keys itself.)
 */
function inCanonicalOrder(document: OpenAPIObject): OpenAPIObject {
  document.paths = sortedByKey(document.paths);
  if (document.components?.schemas) document.components.schemas = sortedByKey(document.components.schemas);
  return document;
}

function sortedByKey<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
