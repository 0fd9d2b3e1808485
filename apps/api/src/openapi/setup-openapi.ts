import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument, FlowgateConfig } from '@flowgate/core';
import { API_INFO } from './api-info';

/** Serves the contract at /openapi.json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app, API_INFO, app.get(FlowgateConfig).traffic);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: API_INFO.title,
  });
}
