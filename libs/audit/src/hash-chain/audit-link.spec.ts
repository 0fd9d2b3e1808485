import { GENESIS_HASH, linkHash } from './audit-link';

const body = { action: 'role.grant', actor: { tid: 't-1', oid: 'o-1' } };
const base = linkHash(1, GENESIS_HASH, body);

describe('GENESIS_HASH', () => {
  it('is 64 zeros, the width of a sha256 hex digest', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });
});

describe('linkHash', () => {
  it('hashes the canonical form of { seq, prevHash, body } (golden vector: stored chains depend on it)', () => {
    // sha256 of '{"body":{"action":"role.grant","actor":{"oid":"o-1","tid":"t-1"}},"prevHash":"000…0","seq":1}'
    expect(base).toBe('c2165e88674d232a86fe9e3cce0354139509ae5d625f2361f89fc0e15a2c98f3');
  });

  it.each<[string, string]>([
    ['seq', linkHash(2, GENESIS_HASH, body)],
    ['prevHash', linkHash(1, base, body)],
    ['a body value', linkHash(1, GENESIS_HASH, { ...body, action: 'role.revoke' })],
    ['a nested body value', linkHash(1, GENESIS_HASH, { ...body, actor: { tid: 't-1', oid: 'o-2' } })],
    ['an added body member', linkHash(1, GENESIS_HASH, { ...body, outcome: 'allowed' })],
    ['a removed body member', linkHash(1, GENESIS_HASH, { action: body.action })],
    [
      'a value type (1 vs "1")',
      linkHash(1, GENESIS_HASH, { ...body, n: '1' }) + linkHash(1, GENESIS_HASH, { ...body, n: 1 }),
    ],
  ])('changes when %s changes', (_name, changed) => {
    expect(changed).not.toBe(base);
  });

  it('tells a number from the string of the same digits', () => {
    expect(linkHash(1, GENESIS_HASH, { n: 1 })).not.toBe(linkHash(1, GENESIS_HASH, { n: '1' }));
  });

  it.each<[string, Record<string, unknown>]>([
    ['keys in another order', { actor: { oid: 'o-1', tid: 't-1' }, action: 'role.grant' }],
    ['an undefined member', { ...body, before: undefined }],
  ])('is unchanged by %s, as after a jsonb round trip', (_name, sameBody) => {
    expect(linkHash(1, GENESIS_HASH, sameBody)).toBe(base);
  });

  it('is a lowercase hex sha256 digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a body that cannot be hashed faithfully', () => {
    expect(() => linkHash(1, GENESIS_HASH, { at: new Date(0) })).toThrow(TypeError);
  });
});
