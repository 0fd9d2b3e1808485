import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

/** A deep copy whose objects list their keys in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: assigning `copy['__proto__'] = …` would set the prototype
  // instead, and JSON.parse does produce an own "__proto__" key.
  const entries = Object.keys(value).map((key) => [key, reverseKeys((value as Record<string, unknown>)[key])]);
  return Object.fromEntries(entries.reverse());
}

class Money {
  constructor(readonly cents: number) {}
}

describe('canonicalJson', () => {
  describe('scalars', () => {
    it.each<[string, unknown, string]>([
      ['null', null, 'null'],
      ['true', true, 'true'],
      ['false', false, 'false'],
      ['zero', 0, '0'],
      ['negative zero as zero', -0, '0'],
      ['negative integer', -42, '-42'],
      ['fraction', 1.5, '1.5'],
      ['large number in exponent form', 1e21, '1e+21'],
      ['small number in exponent form', 1e-7, '1e-7'],
      ['largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
      ['empty string', '', '""'],
      ['plain string', 'role.grant', '"role.grant"'],
    ])('%s', (_name, value, expected) => {
      expect(canonicalJson(value)).toBe(expected);
    });
  });

  describe('string escaping and unicode', () => {
    it.each<[string, string, string]>([
      ['double quote', 'a"b', String.raw`"a\"b"`],
      ['backslash', 'a\\b', String.raw`"a\\b"`],
      ['newline and tab', '\n\t', String.raw`"\n\t"`],
      ['other control characters as \\u escapes', '\u0001\u001f', String.raw`"\u0001\u001f"`],
      ['forward slash is not escaped', 'a/b', '"a/b"'],
      ['non-ASCII stays literal', 'Grüße', '"Grüße"'],
      ['astral plane stays literal', '😀', '"😀"'],
      ['lone surrogate is escaped', '\ud800', String.raw`"\ud800"`],
      ['line separator stays literal', '\u2028', '"\u2028"'],
    ])('%s', (_name, value, expected) => {
      expect(canonicalJson(value)).toBe(expected);
    });
  });

  describe('objects and arrays', () => {
    it.each<[string, unknown, string]>([
      ['empty object', {}, '{}'],
      ['empty array', [], '[]'],
      ['keys sorted', { b: 1, a: 2 }, '{"a":2,"b":1}'],
      ['no whitespace', { a: [1, { b: 2 }] }, '{"a":[1,{"b":2}]}'],
      [
        'nested objects sorted at every level',
        { z: { y: 1, x: { w: 2, v: 3 } }, a: 0 },
        '{"a":0,"z":{"x":{"v":3,"w":2},"y":1}}',
      ],
      ['array order kept', [3, 1, 2], '[3,1,2]'],
      ['arrays of objects', [{ b: 1, a: 2 }, null], '[{"a":2,"b":1},null]'],
      ['undefined member omitted', { a: undefined, b: 1 }, '{"b":1}'],
      ['null member kept', { a: null }, '{"a":null}'],
      ['keys escaped', { 'a"b': 1 }, String.raw`{"a\"b":1}`],
      ['null-prototype object', Object.assign(Object.create(null) as object, { b: 1, a: 2 }), '{"a":2,"b":1}'],
      // RFC 8785 §3.2.3: UTF-16 code unit order puts U+1F600 (0xD83D…) before U+FB33, unlike code point order.
      [
        'keys in UTF-16 code unit order',
        { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '😀': 5, '\u0080': 6, ö: 7 },
        '{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"😀":5,"\ufb33":3}',
      ],
    ])('%s', (_name, value, expected) => {
      expect(canonicalJson(value)).toBe(expected);
    });
  });

  describe('key order independence', () => {
    it('keeps an own "__proto__" key, as JSON.parse makes one', () => {
      const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":2}}');
      expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":2},"b":1}');
      expect(canonicalJson(reverseKeys(parsed))).toBe(canonicalJson(parsed));
    });

    it.each<[string, unknown, unknown]>([
      ['flat', { a: 1, b: 2, c: 3 }, { c: 3, a: 1, b: 2 }],
      ['nested', { x: { a: 1, b: [{ c: 1, d: 2 }] } }, { x: { b: [{ d: 2, c: 1 }], a: 1 } }],
      ['undefined member present or absent', { a: 1, b: undefined }, { a: 1 }],
    ])('%s', (_name, left, right) => {
      expect(canonicalJson(left)).toBe(canonicalJson(right));
    });

    it('gives any JSON value the same text whatever its key order, and survives a parse round trip', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const text = canonicalJson(value);
          expect(canonicalJson(reverseKeys(value))).toBe(text);
          expect(canonicalJson(JSON.parse(text))).toBe(text);
        }),
      );
    });
  });

  describe('depth', () => {
    /** `[[[…]]]` or `{"a":{"a":…}}` built without recursion, `levels` deep. */
    function nested(levels: number, kind: 'array' | 'object'): unknown {
      let value: unknown = 0;
      for (let i = 0; i < levels; i++) value = kind === 'array' ? [value] : { a: value };
      return value;
    }

    it.each<['array' | 'object']>([['array'], ['object']])(
      'encodes %s nesting far deeper than the call stack allows, identically to JSON.stringify',
      (kind) => {
        // 200,000 levels: a recursive encoder overflows the stack at a few thousand.
        const value = nested(200_000, kind);
        const text = canonicalJson(value);
        expect(text.length).toBe(kind === 'array' ? 200_000 * 2 + 1 : 200_000 * 6 + 1);
        expect(text.startsWith(kind === 'array' ? '[[[' : '{"a":{"a":')).toBe(true);
        expect(canonicalJson(nested(50, kind))).toBe(JSON.stringify(nested(50, kind)));
      },
    );

    it('names the path of a rejected value deep inside', () => {
      expect(() => canonicalJson({ a: [{ b: [0, { c: NaN }] }] })).toThrow(
        /non-finite number at \$\.a\[0\]\.b\[1\]\.c$/,
      );
    });
  });

  describe('rejected values', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;

    it.each<[string, unknown, RegExp]>([
      ['NaN', NaN, /non-finite number at \$/],
      ['Infinity', Infinity, /non-finite/],
      ['-Infinity', -Infinity, /non-finite/],
      ['nested NaN, with its path', { a: [1, NaN] }, /non-finite number at \$\.a\[1\]/],
      ['Date', new Date(0), /cannot encode Date at \$; pass plain objects and ISO date strings/],
      ['nested Date', { at: new Date(0) }, /cannot encode Date at \$\.at/],
      ['top-level undefined', undefined, /cannot encode undefined/],
      ['undefined in an array', [1, undefined], /cannot encode undefined at \$\[1\]/],
      ['hole in a sparse array', [1, , 3], /cannot encode undefined at \$\[1\]/], // eslint-disable-line no-sparse-arrays
      ['bigint', 1n, /cannot encode bigint/],
      ['symbol', Symbol('s'), /cannot encode symbol/],
      ['function member', { f: () => 1 }, /cannot encode function at \$\.f/],
      ['Map', new Map([['a', 1]]), /cannot encode Map/],
      ['Set', new Set([1]), /cannot encode Set/],
      ['Uint8Array', new Uint8Array([1]), /cannot encode Uint8Array/],
      ['class instance', new Money(100), /cannot encode Money/],
      ['cyclic object', cyclic, /cyclic reference at \$\.self/],
    ])('%s', (_name, value, message) => {
      expect(() => canonicalJson(value)).toThrow(TypeError);
      expect(() => canonicalJson(value)).toThrow(message);
    });

    it('accepts the same object twice when it is shared rather than cyclic', () => {
      const shared = { a: 1 };
      expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
    });
  });
});
