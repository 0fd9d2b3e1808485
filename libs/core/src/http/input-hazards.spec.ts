import { findInputHazards, MAX_REPORTED_HAZARDS } from './input-hazards';

describe('findInputHazards', () => {
  it.each<[string, unknown, { pointer: string; code: string }[]]>([
    ['clean input', { a: 'text', b: [1, true, null, { c: 'ü😀\u0001' }] }, []],
    ['NUL in a value', { data: { note: 'a\u0000b' } }, [{ pointer: '/body/data/note', code: 'nul_character' }]],
    ['a lone high surrogate', { note: 'x\ud800' }, [{ pointer: '/body/note', code: 'lone_surrogate' }]],
    ['a lone low surrogate', ['\udc00'], [{ pointer: '/body/0', code: 'lone_surrogate' }]],
    ['surrogates in the wrong order', ['\udc00\ud800'], [{ pointer: '/body/0', code: 'lone_surrogate' }]],
    [
      'NUL in a member name, escaped in the pointer',
      { data: { 'a/b\u0000': 1 } },
      [{ pointer: '/body/data/a~1b\u0000', code: 'nul_character' }],
    ],
    ['a surrogate in a member name', { '\ud800': 1 }, [{ pointer: '/body/\ud800', code: 'lone_surrogate' }]],
    [
      '__proto__ anywhere',
      { a: [{ __proto__x: 1 }, JSON.parse('{"__proto__":{"x":1}}')] },
      [{ pointer: '/body/a/1/__proto__', code: 'unknown_field' }],
    ],
    [
      'constructor.prototype',
      { constructor: { prototype: { x: 1 } } },
      [{ pointer: '/body/constructor/prototype', code: 'unknown_field' }],
    ],
    ['constructor alone is a name like any other', { constructor: 'x', prototype: 'y', a: { prototype: 1 } }, []],
    ['a number too large for a double', JSON.parse('{"n":[1e999,-1e999,1e308]}'), [{ pointer: '/body/n/0', code: 'number_out_of_range' }, { pointer: '/body/n/1', code: 'number_out_of_range' }]], // prettier-ignore
    [
      'every problem, in document order',
      { a: '\u0000', b: ['ok', '\ud800'], c: { d: '\u0000' } },
      [
        { pointer: '/body/a', code: 'nul_character' },
        { pointer: '/body/b/1', code: 'lone_surrogate' },
        { pointer: '/body/c/d', code: 'nul_character' },
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(findInputHazards('body', input).map(({ pointer, code }) => ({ pointer, code }))).toEqual(expected);
  });

  it('checks query values, repeated ones included, and path parameters', () => {
    const query = Object.assign(Object.create(null) as object, { q: ['ok', 'a\u0000'] });
    expect(findInputHazards('query', query)).toEqual([
      { pointer: '/query/q/1', code: 'nul_character', detail: 'text must not contain U+0000 (NUL)' },
    ]);
    expect(findInputHazards('path', { id: '\ud800' })[0]).toMatchObject({ pointer: '/path/id' });
  });

  it('adds to the list it is given', () => {
    const found = findInputHazards('path', { id: '\u0000' });
    findInputHazards('body', { a: '\u0000' }, found);
    expect(found.map((error) => error.pointer)).toEqual(['/path/id', '/body/a']);
  });

  it(`reports at most ${MAX_REPORTED_HAZARDS}`, () => {
    expect(
      findInputHazards(
        'body',
        Array.from({ length: 10_000 }, () => '\u0000'),
      ),
    ).toHaveLength(MAX_REPORTED_HAZARDS);
  });

  it('walks nesting far past the call stack without recursing', () => {
    let value: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    const [error] = findInputHazards('body', value);
    expect(error?.code).toBe('nul_character');
    expect(error?.pointer).toBe(`/body${'/0'.repeat(100_000)}`);
  });
});
