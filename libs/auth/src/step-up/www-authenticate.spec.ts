import { bearerChallenge } from './www-authenticate';

describe('bearerChallenge', () => {
  it.each<[string, Record<string, string | number | undefined>, string]>([
    ['no parameters', {}, 'Bearer'],
    ['only undefined parameters', { error: undefined, max_age: undefined }, 'Bearer'],
    ['an invalid token', { error: 'invalid_token' }, 'Bearer error="invalid_token"'],
    [
      'several parameters, in the order given',
      { error: 'invalid_token', error_description: 'The token expired' },
      'Bearer error="invalid_token", error_description="The token expired"',
    ],
    [
      'a number, unquoted',
      { error: 'insufficient_user_authentication', max_age: 300 },
      'Bearer error="insufficient_user_authentication", max_age=300',
    ],
    ['zero', { max_age: 0 }, 'Bearer max_age=0'],
    ['an undefined parameter in the middle', { a: 'x', b: undefined, c: 1 }, 'Bearer a="x", c=1'],
    ['an empty string, kept and quoted', { realm: '' }, 'Bearer realm=""'],
    ['a number given as a string, quoted', { max_age: '300' }, 'Bearer max_age="300"'],
    ['a double quote, escaped', { error_description: 'say "hi"' }, 'Bearer error_description="say \\"hi\\""'],
    ['a backslash, escaped', { error_description: 'C:\\tmp' }, 'Bearer error_description="C:\\\\tmp"'],
    ['a backslash before a quote', { d: '\\"' }, 'Bearer d="\\\\\\""'],
    ['commas, equals and spaces, left in the quotes', { d: 'a, b=c' }, 'Bearer d="a, b=c"'],
    ['a tab, kept', { d: 'a\tb' }, 'Bearer d="a\tb"'],
    ['CR and LF, replaced so the header cannot be split', { d: 'a\r\nSet-Cookie: x' }, 'Bearer d="a??Set-Cookie: x"'],
    ['other controls, replaced', { d: '\u0000\u001f\u007f' }, 'Bearer d="???"'],
    ['non-ASCII, replaced one character at a time', { d: 'é😀' }, 'Bearer d="??"'],
    ['base64 padding, left alone', { claims: 'eyJhIjoxfQ==' }, 'Bearer claims="eyJhIjoxfQ=="'],
    [
      'a URI',
      { authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize' },
      'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
    ],
  ])('renders %s', (_name, params, expected) => {
    expect(bearerChallenge(params)).toBe(expected);
  });

  it.each<[string, Record<string, string | number | undefined>, string]>([
    ['an empty name', { '': 'x' }, '"" is not a valid auth-param name'],
    ['a name with a space', { 'max age': 1 }, '"max age" is not a valid auth-param name'],
    ['a name with "="', { 'a=b': 'x' }, '"a=b" is not a valid auth-param name'],
    ['a bad name even when its value is undefined', { 'a"b': undefined }, '"a"b" is not a valid auth-param name'],
    ['a negative number', { max_age: -1 }, 'max_age=-1 is not a non-negative integer'],
    ['a fraction', { max_age: 1.5 }, 'max_age=1.5 is not a non-negative integer'],
    ['NaN', { max_age: NaN }, 'max_age=NaN is not a non-negative integer'],
    ['Infinity', { max_age: Infinity }, 'max_age=Infinity is not a non-negative integer'],
  ])('refuses %s', (_name, params, message) => {
    expect(() => bearerChallenge(params)).toThrow(message);
  });
});
