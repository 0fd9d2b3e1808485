/**
 * Deterministic JSON in the style of RFC 8785 (JCS). A hash over it must survive a round trip
 * through Postgres jsonb, which reorders keys and drops whitespace, so the bytes may depend only
 * on the value, never on how the object happened to be built.
 *
 * Anything JSON.stringify would quietly coerce or drop (a Date through toJSON, a Map as `{}`,
 * NaN as `null`, `undefined` in an array as `null`) is rejected instead: a hash over a lossy
 * rendering would later verify against a record that was never written.
 *
 * The walk keeps its own stack rather than recursing: in-process callers may hand it values
 * nested deeper than the call stack allows (a body nested 2,000 levels overflowed it), and depth
 * costs memory here, never a `RangeError`.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const open: Container[] = [];
  const ancestors = new Set<object>();
  let pending: { value: unknown } | undefined = { value };

  for (;;) {
    if (pending !== undefined) {
      const item = pending.value;
      pending = undefined;
      const scalar = renderScalar(item, open);
      if (scalar !== undefined) {
        out.push(scalar);
      } else {
        const container = openContainer(item as object, ancestors, open);
        out.push(container.array ? '[' : '{');
        open.push(container);
      }
    }
    const current = open.at(-1);
    if (current === undefined) return out.join('');
    pending = nextMember(current, out);
    if (pending === undefined) {
      out.push(current.array ? ']' : '}');
      ancestors.delete(current.value);
      open.pop();
    }
  }
}

/** An array or object being written: its members in output order and how far we are. */
interface Container {
  readonly value: object;
  readonly array: boolean;
  /** An object's keys, already sorted; an array's members are its indexes up to `length`. */
  readonly keys: readonly string[];
  readonly length: number;
  next: number;
  written: number;
  /** The member being written, for error paths. */
  current?: string | number;
}

function renderScalar(value: unknown, open: readonly Container[]): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${pathOf(open)}`);
      // ECMAScript number-to-string is exactly the serialisation JCS prescribes (and maps -0 to 0).
      return JSON.stringify(value);
    case 'string':
      // Lone surrogates come out as \uXXXX escapes, so the UTF-8 bytes that get hashed are lossless.
      return JSON.stringify(value);
    case 'object':
      return undefined;
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value} at ${pathOf(open)}`);
  }
}

function openContainer(value: object, ancestors: Set<object>, open: readonly Container[]): Container {
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: cyclic reference at ${pathOf(open)}`);
  if (Array.isArray(value)) {
    ancestors.add(value);
    // Every index, holes included: a hole must be rejected like undefined.
    return { value, array: true, keys: [], length: value.length, next: 0, written: 0 };
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(
      `canonicalJson: cannot encode ${kind} at ${pathOf(open)}; pass plain objects and ISO date strings`,
    );
  }
  ancestors.add(value);
  // The default sort compares UTF-16 code units, which is the order JCS specifies (not localeCompare).
  const keys = Object.keys(value).sort();
  return { value, array: false, keys, length: keys.length, next: 0, written: 0 };
}

/** Writes the separator and key of the container's next member and returns its value, or
 * undefined when the container is done. Undefined object members are skipped, as JSON does. */
function nextMember(container: Container, out: string[]): { value: unknown } | undefined {
  const record = container.value as Record<string | number, unknown>;
  while (container.next < container.length) {
    const index = container.next++;
    const member = container.array ? index : container.keys[index];
    const value = record[member];
    if (!container.array && value === undefined) continue;
    container.current = member;
    if (container.written++ > 0) out.push(',');
    if (!container.array) out.push(`${JSON.stringify(member)}:`);
    return { value };
  }
  return undefined;
}

/** `$.a[1].b`: built only when something is rejected. */
function pathOf(open: readonly Container[]): string {
  let path = '$';
  for (const container of open) {
    path += container.array ? `[${String(container.current)}]` : `.${String(container.current)}`;
  }
  return path;
}
