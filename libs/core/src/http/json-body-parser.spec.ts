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

  it('keeps "__proto__" an own key, as JSON.parse does (the input checks then refuse it)', () => {
    const parsed = parseJson('{"__proto__":{"polluted":true}}', 64) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
