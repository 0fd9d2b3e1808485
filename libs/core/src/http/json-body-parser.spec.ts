import { AppError } from '../errors/app-error';
import { nestsDeeperThan, parseJson } from './json-body-parser';

const nested = (levels: number, open = '[', close = ']') => open.repeat(levels) + close.repeat(levels);

describe('nestsDeeperThan', () => {
  it.each<[string, string, number, boolean]>([
    ['a flat object', '{"a":1}', 1, false],
    ['exactly at the limit', nested(4), 4, false],
    ['one past the limit', nested(5), 4, true],
    ['objects count like arrays', '{"a":{"b":{"c":{}}}}', 3, true],
    ['mixed', '[{"a":[{"b":1}]}]', 4, false],
    ['siblings do not add up', '[[],[],[],[],[]]', 2, false],
    ['brackets inside strings do not count', '["[[[[{{{{"]', 1, false],
    ['an escaped quote does not end the string', String.raw`["\"[[[[", 1]`, 1, false],
    ['an escaped backslash does end it', String.raw`["\\", [[1]]]`, 2, true],
    ['keys are strings too', '{"[[[[": 1}', 1, false],
  ])('%s', (_name, text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });

  it('scans a body nested a million levels without recursing', () => {
    expect(nestsDeeperThan(nested(1_000_000), 64)).toBe(true);
    expect(nestsDeeperThan(`"${'['.repeat(1_000_000)}"`, 64)).toBe(false);
  });
});

describe('parseJson', () => {
  function problemOf(text: string, maxDepth = 64): AppError {
    try {
      parseJson(text, maxDepth);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a problem');
  }

  it('answers nesting past the limit with malformed_request naming the limit', () => {
    const error = problemOf(`{"data":${nested(2_000)}}`);
    expect(error.code).toBe('malformed_request');
    expect(error.detail).toContain('more than 64 levels');
  });

  it('parses a body at the limit', () => {
    expect(parseJson(nested(64), 64)).toBeInstanceOf(Array);
  });

  it.each([['   '], ['']])('reads an empty body (%j) as no body', (text) => {
    expect(parseJson(text, 64)).toBeUndefined();
  });

  it.each([['"a string"'], ['42'], ['null'], ['true']])('refuses a top-level %s', (text) => {
    expect(problemOf(text).detail).toBe('The request body must be a JSON object or array.');
  });

  it('refuses malformed JSON', () => {
    expect(problemOf('{"a": ').detail).toBe('The request body is not valid JSON.');
  });

  it.each<[string, string, string[]]>([
    ['__proto__ at the top', '{"__proto__":{"polluted":true}}', ['/body/__proto__']],
    ['__proto__ deep inside', '{"data":{"a":[{"__proto__":{"polluted":true}}]}}', ['/body/data/a/0/__proto__']],
    ['__proto__ spelled with escapes', String.raw`{"\u005f_proto__":{"polluted":true}}`, ['/body/__proto__']],
    ['constructor.prototype', '{"data":{"constructor":{"prototype":{"polluted":true}}}}', ['/body/data/constructor/prototype']], // prettier-ignore
    ['two of them', '{"__proto__":{},"b":{"__proto__":{}}}', ['/body/__proto__', '/body/b/__proto__']],
  ])('refuses %s as validation_failed pointing at each', (_name, text, pointers) => {
    const error = problemOf(text);
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map(({ pointer, code }) => ({ pointer, code }))).toEqual(
      pointers.map((pointer) => ({ pointer, code: 'unknown_field' })),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports the other hazards of the same body in the same answer, as the input walk orders them', () => {
    const error = problemOf(String.raw`{"note":"a\u0000b","__proto__":{}}`);
    expect(error.errors?.map(({ pointer, code }) => ({ pointer, code }))).toEqual([
      { pointer: '/body/__proto__', code: 'unknown_field' },
      { pointer: '/body/note', code: 'nul_character' },
    ]);
  });

  it("answers with the caller's refusal, given the body as plain JSON.parse reads it", () => {
    let located: unknown;
    const refusal = new AppError('validation_failed', 'path and query too');
    const refuse = (body: unknown) => {
      located = body;
      return refusal;
    };
    expect(() => parseJson('{"__proto__":{"x":1}}', 64, refuse)).toThrow(refusal);
    expect(Object.keys(located as object)).toEqual(['__proto__']);
  });

  it.each([
    ['"__proto__" as a value', '{"note":"__proto__"}'],
    ['"constructor" without prototype', '{"constructor":{"name":"x"}}'],
    ['"prototype" outside constructor', '{"prototype":{"x":1}}'],
  ])('accepts %s', (_name, text) => {
    expect(parseJson(text, 64)).toEqual(JSON.parse(text));
  });
});
