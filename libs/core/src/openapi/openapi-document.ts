import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemResponseObject } from './api-problem-responses.decorator';
import { upgradeToOpenApi31 } from './openapi-3-1';
import { ProblemDetailsDto } from './problem-details.dto';

export interface OpenApiInfo {
  readonly title: string;
  readonly description: string;
  readonly version: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `HealthController.live` → `Health_live`: stable, readable SDK method names. */
export function operationIdFor(controllerKey: string, methodKey: string): string {
  return `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;
}

/** Builds the OpenAPI 3.1 document from the application's controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .setLicense('Proprietary', 'https://flowgate.dev/license')
    .addServer('/', 'This deployment')
    .build();
  const document = SwaggerModule.createDocument(app, builder, {
    operationIdFactory: operationIdFor,
    extraModels: [ProblemDetailsDto],
  });
  return upgradeToOpenApi31(addCommonProblemResponses(document));
}

/**
 * Responses every operation can give whatever its code says: 500 anywhere, 503 when the request
 * times out, and the body problems (400, 413, 415) wherever a body is accepted.
 */
export function addCommonProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const statuses = [500, 503, ...(operation.requestBody ? [400, 413, 415] : [])];
      for (const status of statuses) {
        operation.responses[String(status)] ??= problemResponseObject(status);
      }
    }
  }
  return document;
}
