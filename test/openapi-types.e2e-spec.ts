import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
// Loads every module, so every DTO's validation rules are registered.
import { AppModule } from '@flowgate/api';

type Json = Record<string, unknown>;

const ROOT = join(__dirname, '..');
const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: (Json & { name: string; in: string; schema: Json })[] }>>;
  components: { schemas: Record<string, Json & { properties?: Record<string, Json> }>; headers: Record<string, Json> };
};

/** Names that end in `Id` or `At` but are not UUIDs or instants, and why. */
const NOT_UUIDS: Record<string, string> = {
  requestId: 'a request id is any well-formed client value, not only a UUID',
  traceId: 'a W3C trace id: 32 lowercase hex digits (its pattern says so)',
  tenantId: 'an Entra tenant id or, for other OIDC issuers, the issuer URL',
  objectId: 'an Entra oid or an OIDC sub',
  actorTenantId: 'as tenantId',
  actorObjectId: 'as objectId',
  resourceId: 'an audited resource id: a UUID, or key@version for a definition',
  'AuditResourceDto.id': 'as resourceId',
  messageId: 'a webhook message id (the webhook-id header): msg_<outbox event>, stable across attempts',
  'AuditAnchorDto.keyId': 'a JWK kid (RFC 7638 thumbprint, dev-<thumbprint>, or the configured AUDIT_ANCHOR_KEY_ID)',
};
/** User ids whose names do not say so. */
const ALSO_UUIDS = ['publishedBy', 'grantedBy', 'DelegateRequestDto.to'];
const ALSO_DATE_TIMES = ['sessionsRevokedBefore'];
/** Query parameters that are instants. */
const DATE_TIME_PARAMETERS = ['from', 'to'];
const NOT_INSTANTS: Record<string, string> = { 'ChainVerificationDto.brokenAt': 'the first broken link, an object' };

interface Field {
  readonly where: string;
  readonly owner?: string;
  readonly name: string;
  readonly schema: Json;
}

/** Every named field of the contract: schema properties (at any depth) and operation parameters. */
function fields(): Field[] {
  const found: Field[] = [];
  const walk = (schema: Json, owner: string, where: string): void => {
    for (const [name, property] of Object.entries((schema.properties as Record<string, Json>) ?? {})) {
      found.push({ where: `${where}.${name}`, owner, name, schema: property });
      walk(property, owner, `${where}.${name}`);
    }
    for (const key of ['items', 'additionalProperties']) {
      const child = schema[key];
      if (child && typeof child === 'object') walk(child as Json, owner, `${where}[]`);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      for (const child of (schema[key] as Json[] | undefined) ?? []) walk(child, owner, where);
    }
  };
  for (const [name, schema] of Object.entries(document.components.schemas)) walk(schema, name, name);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const parameter of operation.parameters ?? []) {
        found.push({
          where: `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}`,
          name: parameter.name,
          schema: parameter.schema,
        });
      }
    }
  }
  return found;
}

/** Every schema object in the contract (examples and defaults are data, not schemas). */
function schemas(): { where: string; schema: Json }[] {
  const found: { where: string; schema: Json }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${where}/${index}`));
    const object = value as Json;
    if ('type' in object) found.push({ where, schema: object });
    for (const [key, child] of Object.entries(object)) {
      if (!['examples', 'example', 'default', 'enum', 'const'].includes(key)) walk(child, `${where}/${key}`);
    }
  };
  walk(document.components, '#/components');
  walk(document.paths, '#/paths');
  return found;
}

const typesOf = (schema: Json): string[] => ([] as string[]).concat((schema.type as string | string[]) ?? []);
const itemOf = (schema: Json): Json => (typesOf(schema).includes('array') ? (schema.items as Json) : schema);
const anyOfFormat = (schema: Json, format: string): boolean =>
  itemOf(schema).format === format ||
  ((schema.anyOf as Json[] | undefined) ?? []).some((alternative) => alternative.format === format);

/**
 * A value of an instance's `data` is whatever the definition's `dataSchema` allows (an amount of
 * 12.5 included), so where the API echoes one — the fields a transition's `set` changed, on a
 * history line — any JSON number is right. Named one by one: every other number is an integer.
 */
const INSTANCE_DATA_VALUES = [
  '#/components/schemas/DataChangeDto/properties/before/oneOf/1',
  '#/components/schemas/DataChangeDto/properties/after/oneOf/1',
];

describe('OpenAPI: types say what the code accepts and sends', () => {
  it('has no `number`: every number the API reads or writes is an integer', () => {
    const numbers = schemas().filter(({ schema }) => typesOf(schema).includes('number'));
    expect(numbers.filter(({ where }) => !INSTANCE_DATA_VALUES.includes(where))).toEqual([]);
  });

  it('bounds every integer on both sides', () => {
    const unbounded = schemas()
      .filter(({ schema }) => typesOf(schema).includes('integer'))
      .filter(({ schema }) => {
        const low = typeof schema.minimum === 'number' || typeof schema.exclusiveMinimum === 'number';
        const high = typeof schema.maximum === 'number' || typeof schema.exclusiveMaximum === 'number';
        return !(low && high);
      })
      .map(({ where }) => where);
    expect(unbounded).toEqual([]);
  });

  it('types as integer every field the code validates with @IsInt', () => {
    expect(AppModule).toBeDefined();
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<object, ValidationMetadata[]> };
    const all = fields();
    const problems: string[] = [];
    const checked: string[] = [];
    for (const [target, rules] of storage.validationMetadatas) {
      const owner = (target as { name: string }).name;
      for (const rule of rules.filter((r) => r.name === 'isInt')) {
        const matching = all.filter((field) =>
          owner in document.components.schemas
            ? field.owner === owner && field.where === `${owner}.${rule.propertyName}`
            : field.owner === undefined && field.name === rule.propertyName,
        );
        // DTOs that are not part of the contract (the development token request, test probes).
        if (matching.length === 0) continue;
        for (const field of matching) {
          checked.push(`${owner}.${rule.propertyName}`);
          if (!typesOf(field.schema).includes('integer')) problems.push(`${field.where} (${owner}): not an integer`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toEqual(
      expect.arrayContaining([
        'StartWorkflowDto.definitionVersion',
        'PageQueryDto.top',
        'DefinitionVersionParamsDto.version',
      ]),
    );
  });

  it('says format: uuid for every id, and format: date-time for every instant', () => {
    const problems = fields().flatMap((field) => {
      const qualified = `${field.owner}.${field.name}`;
      const exempt = NOT_UUIDS[field.name] ?? NOT_UUIDS[qualified];
      const isId =
        /(^id|Id|Ids)$/.test(field.name) || ALSO_UUIDS.includes(field.name) || ALSO_UUIDS.includes(qualified);
      const isInstant =
        (/At$/.test(field.name) && !NOT_INSTANTS[qualified]) ||
        ALSO_DATE_TIMES.includes(field.name) ||
        (field.owner === undefined && DATE_TIME_PARAMETERS.includes(field.name));
      if (isId && !exempt && !anyOfFormat(field.schema, 'uuid')) return [`${field.where}: an id without format: uuid`];
      if (isInstant && !anyOfFormat(field.schema, 'date-time')) return [`${field.where}: without format: date-time`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('declares in the problem schema every extension member the code sends', () => {
    const sourceFiles = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return sourceFiles(path);
        return /\.ts$/.test(name) && !/\.(spec|int-spec)\.ts$/.test(name) ? [path] : [];
      });
    const sent = new Map<string, string>();
    for (const file of sourceFiles(join(ROOT, 'libs'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\bextensions:\s*/g)) {
        // The option's value: up to the comma or closing bracket at its own depth.
        let depth = 0;
        let end = match.index + match[0].length;
        for (; end < source.length; end++) {
          const char = source[end];
          if ('{(['.includes(char)) depth++;
          else if ('})]'.includes(char)) {
            if (depth === 0) break;
            depth--;
          } else if (char === ',' && depth === 0) break;
        }
        const value = source.slice(match.index + match[0].length, end);
        for (const [, name] of value.matchAll(/(?:[{,]\s*)([A-Za-z_$][\w$]*)\s*(?=[:,}])/g)) {
          sent.set(name, relative(ROOT, file));
        }
      }
    }
    // The scan reads what it should: members sent in every form (plain, shorthand, conditional spread).
    expect([...sent.keys()]).toEqual(
      expect.arrayContaining([
        'requiredRole',
        'currentETag',
        'policy',
        'checks',
        'maxAge',
        'claims',
        'previousTransition',
      ]),
    );
    const declared = Object.keys(document.components.schemas.ProblemDetailsDto.properties ?? {});
    expect([...sent].filter(([name]) => !declared.includes(name)).map(([name, file]) => `${name} (${file})`)).toEqual(
      [],
    );
  });
});
