import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * @nestjs/swagger emits OpenAPI 3.0 schema keywords. 3.1 uses JSON Schema 2020-12, so the few
 * 3.0-only forms are rewritten: `nullable: true` becomes a `null` type, boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers, and schema `example` becomes `examples`.
 */
export function upgradeToOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const upgraded = structuredClone(document) as OpenAPIObject;
  upgraded.openapi = '3.1.0';
  visitSchemas(upgraded.components?.schemas ?? {});
  for (const pathItem of Object.values(upgraded.paths)) visitSchemas(pathItem);
  return upgraded;
}

type Json = Record<string, unknown>;

function visitSchemas(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(visitSchemas);
  if (!node || typeof node !== 'object') return;
  const object = node as Json;
  if (looksLikeSchema(object)) upgradeSchema(object);
  for (const child of Object.values(object)) visitSchemas(child);
}

function looksLikeSchema(node: Json): boolean {
  // `properties` maps names to schemas; a property called `type` must not make it look like one.
  return typeof node.type === 'string' || 'nullable' in node || typeof node.$ref === 'string' || Array.isArray(node.allOf);
}

function upgradeSchema(schema: Json): void {
  if (schema.nullable === true) {
    if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    else if (schema.$ref || schema.allOf) {
      const { $ref, allOf } = schema;
      delete schema.$ref;
      delete schema.allOf;
      schema.anyOf = [...(allOf ? (allOf as unknown[]) : [{ $ref }]), { type: 'null' }];
    }
  }
  delete schema.nullable;
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (schema[exclusive] === true) {
      schema[exclusive] = schema[bound];
      delete schema[bound];
    } else if (schema[exclusive] === false) {
      delete schema[exclusive];
    }
  }
  if ('example' in schema && typeof schema.type !== 'undefined' && !('in' in schema)) {
    schema.examples = [schema.example];
    delete schema.example;
  }
}
