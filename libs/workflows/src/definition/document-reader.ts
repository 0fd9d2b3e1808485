import type { ViolationCode } from './definition-violation';
import { childPointer } from './json-pointer';

export type Report = (pointer: string, code: ViolationCode, detail: string) => void;

export type Fields<K extends string> = { readonly [key in K]?: unknown };

/** Names a value's JSON type for a message, without echoing the value (it may be huge). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && Number.isInteger(value)) return 'an integer';
  return `a ${typeof value}`;
}

/** Quotes a value from the document for a message, shortened so a detail stays readable. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an object with a closed set of properties: reports a wrong type, every unknown property
 * and every missing required one, and returns the known ones. Only own properties count, so a
 * name like `constructor` never reaches into a prototype.
 */
export function readObject<R extends string, O extends string>(
  value: unknown,
  pointer: string,
  properties: { readonly required: readonly R[]; readonly optional: readonly O[] },
  report: Report,
): Fields<R | O> | undefined {
  if (!isObject(value)) {
    report(pointer, 'invalid_type', `must be an object, not ${describeType(value)}`);
    return undefined;
  }
  const known = new Set<string>([...properties.required, ...properties.optional]);
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (!known.has(key)) report(childPointer(pointer, key), 'unknown_property', `${quote(key)} is not a property here`);
    // JSON has no undefined; from an in-process caller it means the same as leaving the key out.
    else if (value[key] !== undefined) fields[key] = value[key];
  }
  for (const key of properties.required) {
    if (!Object.hasOwn(fields, key)) report(childPointer(pointer, key), 'missing_property', `${key} is required`);
  }
  return fields as Fields<R | O>;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/** A string whose length, in Unicode code points (as PostgreSQL counts), is within bounds. */
export function readText(
  value: unknown,
  pointer: string,
  bounds: { readonly min: number; readonly max: number },
  report: Report,
): string | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be a string, not ${describeType(value)}`);
    return undefined;
  }
  const length = codePointLength(value);
  if (length < bounds.min || length > bounds.max) {
    report(pointer, 'invalid_length', `must be ${bounds.min} to ${bounds.max} characters long, not ${length}`);
    return undefined;
  }
  return value;
}

/**
 * A string that must match `pattern`. A string that does not is reported but still returned, so a
 * malformed state name does not also turn every transition naming it into an unknown reference.
 */
export function readPattern(
  value: unknown,
  pointer: string,
  pattern: RegExp,
  failure: { readonly code: ViolationCode; readonly detail: string },
  report: Report,
): string | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be a string, not ${describeType(value)}`);
    return undefined;
  }
  if (!pattern.test(value)) report(pointer, failure.code, `${quote(value)} ${failure.detail}`);
  return value;
}

/** An optional boolean flag: absent means false. */
export function readFlag(value: unknown, pointer: string, report: Report): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    report(pointer, 'invalid_type', `must be true or false, not ${describeType(value)}`);
    return false;
  }
  return value;
}

/** An array within bounds; its items are left to the caller. Returns undefined when not an array. */
export function readList(
  value: unknown,
  pointer: string,
  bounds: { readonly min: number; readonly max: number },
  report: Report,
): readonly unknown[] | undefined {
  if (!Array.isArray(value)) {
    report(pointer, 'invalid_type', `must be an array, not ${describeType(value)}`);
    return undefined;
  }
  if (value.length < bounds.min) report(pointer, 'too_few_items', `must have at least ${bounds.min} item(s)`);
  if (value.length > bounds.max) {
    report(pointer, 'too_many_items', `must have at most ${bounds.max} items, not ${value.length}`);
  }
  // Array.from turns the holes of a sparse array into undefined, which callers then report.
  return Array.from(value as unknown[]);
}
