import type { JsonSchema, JsonValue } from '../workflow-definition';

/**
 * What the condition checker knows of a value: a CEL type, with the declared fields of an object.
 * JSON numbers reach CEL as doubles (`integer` included), so `data.amount + 1` is a type error
 * and `data.amount + 1.0` is not; comparisons across int and double are allowed by CEL.
 */
export type CelShape =
  | { readonly kind: 'bool' | 'int' | 'double' | 'string' | 'null' | 'timestamp' | 'duration' | 'dyn' }
  | { readonly kind: 'list'; readonly item: CelShape }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, CelShape> };

export const DYN: CelShape = { kind: 'dyn' };
export const BOOL: CelShape = { kind: 'bool' };
export const INT: CelShape = { kind: 'int' };
export const DOUBLE: CelShape = { kind: 'double' };
export const STRING: CelShape = { kind: 'string' };

export function objectShape(fields: Record<string, CelShape>): CelShape {
  return { kind: 'object', fields: new Map(Object.entries(fields)) };
}

/** `actor`: who asks (the system, for automatic transitions, has no id and no roles). */
export const ACTOR_SHAPE = objectShape({ id: STRING, roles: { kind: 'list', item: STRING } });

/** `instance`: where the instance stands, never its data (that is `data`). */
export const INSTANCE_SHAPE = objectShape({
  state: STRING,
  initiatorId: STRING,
  createdAt: { kind: 'timestamp' },
  enteredAt: { kind: 'timestamp' },
});

const SCALARS: Readonly<Record<string, CelShape>> = {
  boolean: BOOL,
  number: DOUBLE,
  integer: DOUBLE,
  string: STRING,
  null: { kind: 'null' },
};

/**
 * The shape of values a JSON Schema accepts, as far as conditions need it: an object's declared
 * `properties` (anything else is an undeclared field), an array's `items`, a scalar's type. A
 * schema that says no more than that (a `$ref`, a union, `{}`) is `dyn`: checked when evaluated.
 */
export function schemaShape(schema: JsonValue | undefined): CelShape {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return DYN;
  const object = schema as JsonSchema;
  const type = nonNullType(object.type);
  if (type === 'object') {
    const properties = object.properties;
    const fields = new Map<string, CelShape>();
    if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
      for (const [name, property] of Object.entries(properties)) fields.set(name, schemaShape(property));
    }
    return { kind: 'object', fields };
  }
  if (type === 'array') return { kind: 'list', item: schemaShape(object.items) };
  return (type !== undefined && SCALARS[type]) || DYN;
}

/** `["string", "null"]` reads as `string`: null is what `has()` and `== null` are for. */
function nonNullType(type: JsonValue | undefined): string | undefined {
  if (typeof type === 'string') return type;
  if (!Array.isArray(type)) return undefined;
  const named = type.filter((item): item is string => typeof item === 'string' && item !== 'null');
  return named.length === 1 ? named[0] : undefined;
}

/** An object without a schema: every field of it is undeclared. */
export const NOTHING_DECLARED: CelShape = { kind: 'object', fields: new Map() };

export function describeShape(shape: CelShape): string {
  if (shape.kind === 'list') return `list(${describeShape(shape.item)})`;
  if (shape.kind === 'object') return 'map';
  return shape.kind;
}
