import { metricsScrapeRefusal } from './metrics-access';

const TOKEN = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef';

describe('metricsScrapeRefusal', () => {
  it.each<[string, string | undefined]>([
    ['no header', undefined],
    ['a header with the right token', `Bearer ${TOKEN}`],
    ['a wrong token', 'Bearer nope'],
  ])('lets every scrape through when no token is configured (%s)', (_case, authorization) => {
    expect(metricsScrapeRefusal(undefined, authorization)).toBeUndefined();
  });

  it.each<[string, string | undefined, 'accepted' | 'unauthenticated' | 'invalid_token']>([
    ['the token', `Bearer ${TOKEN}`, 'accepted'],
    ['the token, scheme in lower case', `bearer ${TOKEN}`, 'accepted'],
    ['the token, scheme in capitals', `BEARER ${TOKEN}`, 'accepted'],
    ['the token after two spaces', `Bearer  ${TOKEN}`, 'accepted'],
    ['the token and a trailing space', `Bearer ${TOKEN} `, 'accepted'],
    ['no header', undefined, 'unauthenticated'],
    ['an empty header', '', 'unauthenticated'],
    ['Bearer alone', 'Bearer', 'unauthenticated'],
    ['Bearer and a space', 'Bearer ', 'unauthenticated'],
    ['the token without a scheme', TOKEN, 'unauthenticated'],
    ['the Basic scheme', `Basic ${TOKEN}`, 'unauthenticated'],
    ['two words after Bearer', `Bearer ${TOKEN} ${TOKEN}`, 'unauthenticated'],
    ['a wrong token', `Bearer ${'0'.repeat(40)}`, 'invalid_token'],
    ['the token in another case', `Bearer ${TOKEN.toUpperCase()}`, 'invalid_token'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, 'invalid_token'],
    ['the token and one more character', `Bearer ${TOKEN}f`, 'invalid_token'],
    ['a very long token', `Bearer ${'a'.repeat(100_000)}`, 'invalid_token'],
  ])('with a token configured, %s: %s', (_case, authorization, expected) => {
    const refusal = metricsScrapeRefusal(TOKEN, authorization);
    expect(refusal?.code ?? 'accepted').toBe(expected);
    if (refusal) {
      expect(refusal.status).toBe(401);
      expect(refusal.headers['WWW-Authenticate']).toMatch(/^Bearer realm="metrics"/);
      // The refusal never repeats what was sent, nor the expected token.
      expect(JSON.stringify({ ...refusal, message: refusal.message })).not.toContain(TOKEN);
    }
  });
});
