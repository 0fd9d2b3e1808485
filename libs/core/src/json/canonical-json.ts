/**
 * Deterministic JSON in the style of RFC 8785 (JCS). A hash over it must survive a round trip
 * through Postgres jsonb, which reorders keys and drops whitespace, so the bytes may depend only
 * on the value, never on how the object happened to be built.
 *
 * Anything JSON.stringify would quietly coerce or drop (a Date through toJSON, a Map as `{}`,
 * NaN as `null`, `undefined` in an array as `null`) is rejected instead: a hash over a lossy
 * rendering would later verify against a record that was never written.
 */
export function canonicalJson(value: unknown): string {
  return render(value, new Set<object>(), '$');
}

function render(value: unknown, ancestors: Set<object>, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      // ECMAScript number-to-string is exactly the serialisation JCS prescribes (and maps -0 to 0).
      return JSON.stringify(value);
    case 'string':
      // Lone surrogates come out as \uXXXX escapes, so the UTF-8 bytes that get hashed are lossless.
      return JSON.stringify(value);
    case 'object':
      return renderContainer(value, ancestors, path);
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value} at ${path}`);
  }
}

function renderContainer(value: object, ancestors: Set<object>, path: string): string {
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: cyclic reference at ${path}`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: unknown[] = value;
      // Index loop rather than map(): map skips holes, and a hole must be rejected like undefined.
      const parts: string[] = [];
      for (let i = 0; i < items.length; i++) parts.push(render(items[i], ancestors, `${path}[${i}]`));
      return `[${parts.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`canonicalJson: cannot encode ${kind} at ${path}; pass plain objects and ISO date strings`);
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    // The default sort compares UTF-16 code units, which is the order JCS specifies (not localeCompare).
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${render(member, ancestors, `${path}.${key}`)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
