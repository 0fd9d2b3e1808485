import fc from 'fast-check';

/** A JSON Schema node as @nestjs/swagger writes them into the OpenAPI 3.1 document. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** Resolves `#/components/...` references against the document the schemas come from. */
export type RefResolver = (ref: string) => SchemaNode;

export function refResolver(document: Readonly<Record<string, unknown>>): RefResolver {
  return (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`Only local references are expected, got ${ref}`);
    let node: unknown = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    if (typeof node !== 'object' || node === null) throw new Error(`Unresolved reference ${ref}`);
    return node as SchemaNode;
  };
}

/** Values a fuzzer throws at a field whatever its schema says: wrong types and edge cases. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 31) - 1,
  1e308,
  '',
  ' ',
  'a'.repeat(3000),
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone \udfff surrogate',
  '🦄 emoji',
  '\u202e right-to-left',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  [],
  [null],
  {},
  { constructor: { prototype: { polluted: true } } },
];

/** Bodies no serializer would write: sent as they are. */
export const RAW_BODIES: readonly string[] = [
  '',
  'null',
  '"just a string"',
  '[]',
  '{',
  '{"a":1,}',
  '{"__proto__":{"polluted":true}}',
  '{"a":1,"a":2}',
  '{"s":"\\ud800"}',
  '{"s":"nul\\u0000"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '\ufeff{}',
  '{"n":1e999}',
];

const MAX_DEPTH = 6;

/**
 * Values that the schema describes (mostly valid), for property-based contract tests. Covers the
 * subset of JSON Schema the generated contract uses: `$ref`, `type` (also as a list), `enum`,
 * `const`, `oneOf`/`anyOf`, object `properties`/`required`/`additionalProperties`, array `items`
 * with bounds, string `pattern`/`format`/length bounds, number bounds.
 */
export function schemaArbitrary(schema: SchemaNode, resolve: RefResolver, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') return schemaArbitrary(resolve(schema.$ref), resolve, depth);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const variants = (schema.oneOf ?? schema.anyOf) as SchemaNode[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) {
    return fc.oneof(...variants.map((variant) => schemaArbitrary(variant, resolve, depth)));
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...types.map((type) => typedArbitrary(type, schema, resolve, depth)));
}

function typedArbitrary(
  type: string | undefined,
  schema: SchemaNode,
  resolve: RefResolver,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: bound(schema.minimum, -1_000_000), max: bound(schema.maximum, 1_000_000) });
    case 'number':
      return fc.oneof(
        fc.integer({ min: bound(schema.minimum, -1_000_000), max: bound(schema.maximum, 1_000_000) }),
        fc.double({ min: bound(schema.minimum, -1e6), max: bound(schema.maximum, 1e6), noNaN: true }),
      );
    case 'string':
      return stringArbitrary(schema);
    case 'array': {
      const items = (schema.items as SchemaNode | undefined) ?? {};
      const minLength = bound(schema.minItems, 0);
      const maxLength = Math.min(bound(schema.maxItems, 4), minLength + 4);
      if (depth >= MAX_DEPTH) return fc.constant([]);
      return fc.array(schemaArbitrary(items, resolve, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(schema, resolve, depth);
    default:
      // No type: any JSON value.
      return depth >= MAX_DEPTH ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: SchemaNode, resolve: RefResolver, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, SchemaNode> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  if (depth >= MAX_DEPTH) return fc.constant({});
  const known = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, schemaArbitrary(property, resolve, depth + 1)]),
    ),
    { requiredKeys: [...required].filter((name) => name in properties) },
  );
  if (schema.additionalProperties === true && Object.keys(properties).length === 0) {
    return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  return known;
}

function stringArbitrary(schema: SchemaNode): fc.Arbitrary<string> {
  const minLength = bound(schema.minLength, 0);
  const maxLength = Math.min(bound(schema.maxLength, 40), minLength + 40);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    default:
      break;
  }
  if (typeof schema.pattern === 'string') {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((value) => value.length >= minLength && value.length <= Math.max(maxLength, minLength));
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

function bound(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * A value the schema describes with one thing broken: a property dropped, a wrong type, a hostile
 * string, an unknown member, a value deep or large. What a client with a bug, or an attacker,
 * sends.
 */
export function brokenArbitrary(schema: SchemaNode, resolve: RefResolver): fc.Arbitrary<unknown> {
  const valid = schemaArbitrary(schema, resolve);
  const hostile = fc.constantFrom(...HOSTILE_VALUES);
  return fc.oneof(
    hostile,
    fc
      .tuple(valid, fc.string({ maxLength: 12 }), hostile)
      .map(([value, key, bad]) => (isPlainObject(value) ? { ...value, [key || 'extra']: bad } : bad)),
    fc.tuple(valid, fc.nat(), hostile).map(([value, index, bad]) => {
      if (!isPlainObject(value)) return bad;
      const keys = Object.keys(value);
      if (keys.length === 0) return bad;
      return { ...value, [keys[index % keys.length]]: bad };
    }),
    fc.tuple(valid, fc.nat()).map(([value, index]) => {
      if (!isPlainObject(value)) return value;
      const keys = Object.keys(value);
      if (keys.length === 0) return value;
      const { [keys[index % keys.length]]: _dropped, ...rest } = value;
      return rest;
    }),
    fc.integer({ min: 10, max: 3000 }).map((depth) => nested(depth)),
  );
}

/** `[[[…]]]` nested `depth` deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { v: value };
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
