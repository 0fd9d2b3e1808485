import { isCelList, isCelMap, isCelUint } from '@bufbuild/cel';

/** A CEL value that has no JSON form (bytes, a timestamp, an int beyond 2^53, a non-finite double). */
export class NotJson extends Error {}

/**
 * The JSON value of a CEL result, for storing in `data`: ints become numbers (refused past 2^53,
 * where a JSON number would silently round), lists arrays, maps with string keys objects.
 */
export function celToJson(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJson('not a finite number');
    return value;
  }
  if (typeof value === 'bigint') return safeInteger(value);
  if (isCelUint(value)) return safeInteger(value.value);
  if (isCelList(value)) return Array.from(value, celToJson);
  if (isCelMap(value)) {
    const object: Record<string, unknown> = {};
    for (const [key, item] of value) {
      if (typeof key !== 'string') throw new NotJson('a map whose keys are not strings');
      Object.defineProperty(object, key, { value: celToJson(item), enumerable: true, writable: true });
    }
    return object;
  }
  throw new NotJson('a value with no JSON form');
}

function safeInteger(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new NotJson('an integer beyond 2^53');
  return number;
}
