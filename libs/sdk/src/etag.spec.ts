import { etagOf, ifMatch } from './etag';

const withETag = (etag?: string) => new Response(null, { status: 200, headers: etag ? { ETag: etag } : {} });

describe('etagOf', () => {
  it('reads the strong ETag of a response, quotes included', () => {
    expect(etagOf(withETag('"4"'))).toBe('"4"');
  });

  it('is undefined when the response has none', () => {
    expect(etagOf(withETag())).toBeUndefined();
  });
});

describe('ifMatch', () => {
  it.each<[string, Response | string]>([
    ['the response that read the resource', withETag('"4"')],
    ["an ETag kept (a 412's currentETag)", '"4"'],
  ])('sends the ETag of %s as If-Match', (_case, source) => {
    expect(ifMatch(source)).toEqual({ 'If-Match': '"4"' });
  });

  it.each<[string, Response | string | undefined]>([
    ['a response without ETag', withETag()],
    ['an empty string', ''],
    ['nothing', undefined],
  ])('refuses %s rather than send a write without its check', (_case, source) => {
    expect(() => ifMatch(source)).toThrow('No ETag to send as If-Match');
  });
});
