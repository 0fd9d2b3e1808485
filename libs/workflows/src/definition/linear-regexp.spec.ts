import { linearRegExp, unsupportedPatternOf } from './linear-regexp';

describe('linearRegExp (the engine ajv runs schema patterns on)', () => {
  it.each<[string, string[]]>([
    ['^[A-Z]{3}$', ['EUR', 'eur', 'EURO', '']],
    ['^\\d{4}-\\d{2}$', ['2026-12', '2026-1', 'x2026-12']],
    ['colou?r', ['color', 'the colour', 'colr']],
    ['^\\u00e9+$', ['ééé', 'e', '']],
    ['^\\u{1F600}$', ['😀', '😁']],
    ['^.$', ['😀', 'ab', 'é']],
    ['^\\p{L}+$', ['héllo', 'h3llo']],
    ['^(?<year>\\d{4})$', ['2026', '26']],
    ['^\\/v1\\/[a-z-]+$', ['/v1/workflows', '/v2/x']],
    ['^[^@\\s]+@[^@\\s]+$', ['a@b', 'a b@c', 'a@@b']],
    ['^(a|b)*c$', ['ababc', 'abab']],
    ['\\bword\\b', ['a word here', 'swordfish']],
  ])('agrees with ECMAScript on %s', (pattern, inputs) => {
    const linear = linearRegExp(pattern, 'u');
    const ecma = new RegExp(pattern, 'u');
    for (const input of inputs)
      expect({ input, matches: linear.test(input) }).toEqual({ input, matches: ecma.test(input) });
  });

  it.each<[string, string]>([
    ['nested quantifiers', '^(a+)+$'],
    ['overlapping alternation', '^(a|a)*$'],
    ['overlapping classes', '^(\\w+\\s?)*$'],
  ])('answers a catastrophic-backtracking pattern (%s) on a long non-match, in one linear pass', (_name, pattern) => {
    // ECMAScript's backtracking takes seconds at 30 characters and would not finish at 100,000.
    expect(linearRegExp(pattern, 'u').test(`${'a'.repeat(100_000)}!`)).toBe(false);
  });

  it.each<[string, string, RegExp]>([
    ['a backreference', '^(a)\\1$', /invalid escape sequence/],
    ['lookahead', '^(?=a)a$', /unsupported Perl syntax/],
    ['negative lookahead', '^(?!a)b$', /unsupported Perl syntax/],
    ['lookbehind', '(?<=a)b', /invalid named capture|unsupported/],
    ['a broken pattern', '(', /missing closing \)/],
  ])('refuses %s, saying why', (_name, pattern, reason) => {
    expect(unsupportedPatternOf(pattern)).toMatch(reason);
    expect(() => linearRegExp(pattern, 'u')).toThrow();
  });

  it('accepts what it can run', () => {
    expect(unsupportedPatternOf('^[A-Z]{3}$')).toBeUndefined();
  });
});
