import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;

/**
 * @nestjs/swagger emits OpenAPI 3.0 schema keywords. 3.1 uses JSON Schema 2020-12, so the few
 * 3.0-only forms are rewritten: `nullable: true` becomes a `null` alternative, boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers, and schema `example` becomes `examples`.
 *
 * The walk follows the document's structure (media types, parameters, headers, subschemas)
 * rather than every nested object: example payloads may themselves contain JSON Schemas (a
 * workflow's transition input), and a property may be called `nullable` or `example`.
 */
export function upgradeToOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const upgraded = structuredClone(document);
  upgraded.openapi = '3.1.0';
  const components = (upgraded.components ?? {}) as Json;
  for (const schema of valuesOf(components.schemas)) upgradeSchema(schema);
  for (const parameter of valuesOf(components.parameters)) upgradeHolder(parameter);
  for (const header of valuesOf(components.headers)) upgradeHolder(header);
  for (const response of valuesOf(components.responses)) upgradeResponse(response);
  for (const body of valuesOf(components.requestBodies)) upgradeContent(body.content);
  for (const pathItem of valuesOf(upgraded.paths)) upgradePathItem(pathItem);
  for (const pathItem of valuesOf(upgraded.webhooks)) upgradePathItem(pathItem);
  return upgraded;
}

const OPERATION_KEYS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function upgradePathItem(pathItem: Json): void {
  for (const parameter of itemsOf(pathItem.parameters)) upgradeHolder(parameter);
  for (const key of OPERATION_KEYS) {
    const operation = asObject(pathItem[key]);
    if (!operation) continue;
    for (const parameter of itemsOf(operation.parameters)) upgradeHolder(parameter);
    upgradeContent(asObject(operation.requestBody)?.content);
    for (const response of valuesOf(operation.responses)) upgradeResponse(response);
  }
}

function upgradeResponse(response: Json): void {
  upgradeContent(response.content);
  for (const header of valuesOf(response.headers)) upgradeHolder(header);
}

/** Parameters and headers carry a schema or a content map (their own `example` is still valid 3.1). */
function upgradeHolder(holder: Json): void {
  if (asObject(holder.schema)) upgradeSchema(holder.schema as Json);
  upgradeContent(holder.content);
}

function upgradeContent(content: unknown): void {
  for (const mediaType of valuesOf(content)) {
    if (asObject(mediaType.schema)) upgradeSchema(mediaType.schema as Json);
  }
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];

/** Upgrades one schema in place, then every subschema it holds. */
export function upgradeSchema(schema: Json): void {
  upgradeNullable(schema);
  upgradeExclusiveBounds(schema);
  if ('example' in schema) {
    schema.examples ??= [schema.example];
    delete schema.example;
  }
  for (const key of SUBSCHEMA_MAPS) for (const child of valuesOf(schema[key])) upgradeSchema(child);
  for (const key of SUBSCHEMA_LISTS) for (const child of itemsOf(schema[key])) upgradeSchema(child);
  for (const key of SUBSCHEMAS) {
    const child = asObject(schema[key]);
    if (child) upgradeSchema(child);
  }
}

function upgradeNullable(schema: Json): void {
  const nullable = schema.nullable === true;
  delete schema.nullable;
  if (!nullable) return;
  if (typeof schema.$ref === 'string' || Array.isArray(schema.allOf)) {
    // A reference cannot also be null, so null becomes an alternative to it. The `type: object`
    // @nestjs/swagger puts beside a nullable reference would exclude null again: it goes too.
    const allOf = schema.allOf as unknown[] | undefined;
    const target = typeof schema.$ref === 'string' ? { $ref: schema.$ref } : allOf?.length === 1 ? allOf[0] : { allOf };
    delete schema.$ref;
    delete schema.allOf;
    delete schema.type;
    schema.anyOf = [target, { type: 'null' }];
    return;
  }
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(schema[key]) && schema.type === undefined) {
      schema[key] = [...(schema[key] as unknown[]), { type: 'null' }];
      return;
    }
  }
  const types: unknown[] = Array.isArray(schema.type)
    ? schema.type
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];
  if (types.length > 0 && !types.includes('null')) schema.type = [...types, 'null'];
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...(schema.enum as unknown[]), null];
}

function upgradeExclusiveBounds(schema: Json): void {
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[exclusive] !== 'boolean') continue;
    if (schema[exclusive] && typeof schema[bound] === 'number') {
      schema[exclusive] = schema[bound];
      delete schema[bound];
    } else {
      delete schema[exclusive];
    }
  }
}

function asObject(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function valuesOf(map: unknown): Json[] {
  return objectsIn(Object.values(asObject(map) ?? {}));
}

function itemsOf(list: unknown): Json[] {
  return Array.isArray(list) ? objectsIn(list) : [];
}

function objectsIn(values: unknown[]): Json[] {
  return values.filter((value): value is Json => asObject(value) !== undefined);
}
