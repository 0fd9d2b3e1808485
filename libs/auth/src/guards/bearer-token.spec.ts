import type { IncomingHttpHeaders } from 'node:http';
import { bearerTokenFrom } from './bearer-token';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSJ9.c2ln-bmF0_dXJl';

describe('bearerTokenFrom', () => {
  it.each<[string, string, string]>([
    ['a compact JWT', `Bearer ${JWT}`, JWT],
    ['lower-case scheme', `bearer ${JWT}`, JWT],
    ['upper-case scheme', `BEARER ${JWT}`, JWT],
    ['mixed-case scheme', `bEaReR ${JWT}`, JWT],
    ['several spaces after the scheme', `Bearer    ${JWT}`, JWT],
    ['leading and trailing spaces', `   Bearer ${JWT}   `, JWT],
    ['every token68 character', 'Bearer AZaz09-._~+/', 'AZaz09-._~+/'],
    ['trailing = padding (token68)', 'Bearer abc==', 'abc=='],
    ['an unsigned-looking token (the verifier rejects it, not the parser)', 'Bearer abc.def.', 'abc.def.'],
  ])('takes %s', (_case, authorization, expected) => {
    expect(bearerTokenFrom({ authorization })).toBe(expected);
  });

  it.each<[string, IncomingHttpHeaders]>([
    ['no Authorization header', {}],
    ['an undefined Authorization header', { authorization: undefined }],
    ['an empty header', { authorization: '' }],
    ['only spaces', { authorization: '   ' }],
    ['the scheme without a token', { authorization: 'Bearer' }],
    ['the scheme and a space', { authorization: 'Bearer ' }],
    ['a token without a scheme', { authorization: JWT }],
    ['Basic', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }],
    ['Digest', { authorization: 'Digest username="u", realm="r", nonce="n", uri="/", response="x"' }],
    ['DPoP (a sender-constrained token is not a bearer token)', { authorization: `DPoP ${JWT}` }],
    ['a made-up scheme', { authorization: `Token ${JWT}` }],
    ['the scheme glued to the token', { authorization: `Bearer${JWT}` }],
    ['a prefix of the scheme', { authorization: `Bear ${JWT}` }],
    ['the scheme as a suffix', { authorization: `XBearer ${JWT}` }],
    ['a tab instead of a space (RFC 9110 allows only SP)', { authorization: `Bearer\t${JWT}` }],
    ['two tokens', { authorization: `Bearer ${JWT} ${JWT}` }],
    ['two credentials, comma-separated', { authorization: `Bearer ${JWT}, Bearer ${JWT}` }],
    [
      'an array (duplicated header surfaced as a list)',
      { authorization: [`Bearer ${JWT}`] } as unknown as IncomingHttpHeaders,
    ],
    ['a number', { authorization: 42 } as unknown as IncomingHttpHeaders],
    ['a quoted token', { authorization: `Bearer "${JWT}"` }],
    ['a comma in the token', { authorization: 'Bearer abc,def' }],
    ['a semicolon in the token', { authorization: 'Bearer abc;def' }],
    ['angle brackets', { authorization: 'Bearer <script>alert(1)</script>' }],
    ['non-ASCII characters', { authorization: 'Bearer tökén' }],
    ['a NUL byte', { authorization: 'Bearer abc\u0000def' }],
    ['CR LF (header injection)', { authorization: 'Bearer abc\r\nX-Injected: 1' }],
    ['padding in the middle', { authorization: 'Bearer ab=c' }],
    ['only padding', { authorization: 'Bearer ==' }],
    ['a percent-encoded token', { authorization: 'Bearer abc%2Edef' }],
  ])('returns undefined for %s', (_case, headers) => {
    expect(bearerTokenFrom(headers)).toBeUndefined();
  });

  it('reads only the Authorization header, never other places a token could hide', () => {
    const headers = { cookie: `access_token=${JWT}`, 'x-access-token': JWT, 'proxy-authorization': `Bearer ${JWT}` };
    expect(bearerTokenFrom(headers)).toBeUndefined();
  });

  it('answers in linear time for a long run of spaces that never ends in a token', () => {
    const started = process.hrtime.bigint();
    expect(bearerTokenFrom({ authorization: `Bearer${' '.repeat(100_000)}!` })).toBeUndefined();
    expect(bearerTokenFrom({ authorization: `Bearer a${'='.repeat(100_000)}a` })).toBeUndefined();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});
