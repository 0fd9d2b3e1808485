import { requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  it('ignores key order, so a client re-serializing the same body is not refused', () => {
    expect(requestFingerprint({}, { a: 1, b: { c: [1, 2] } }, {})).toBe(
      requestFingerprint({}, { b: { c: [1, 2] }, a: 1 }, {}),
    );
  });

  it.each([
    [{ a: 1 }, { a: 2 }],
    [{ a: [1, 2] }, { a: [2, 1] }],
    [{ a: '1' }, { a: 1 }],
    [{}, null],
  ])('tells %j from %j', (left, right) => {
    expect(requestFingerprint({}, left, {})).not.toBe(requestFingerprint({}, right, {}));
  });

  it('covers the path parameters: the same key on another resource is another request', () => {
    expect(requestFingerprint({ id: 'a' }, { name: 'approve' }, {})).not.toBe(
      requestFingerprint({ id: 'b' }, { name: 'approve' }, {}),
    );
  });

  it('covers the query string', () => {
    expect(requestFingerprint({}, {}, { dryRun: 'true' })).not.toBe(requestFingerprint({}, {}, {}));
  });

  it('is a SHA-256 hex digest', () => {
    expect(requestFingerprint({}, { a: 1 }, {})).toMatch(/^[0-9a-f]{64}$/);
  });
});
