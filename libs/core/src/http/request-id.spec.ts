import { resolveRequestId } from './request-id';

const GENERATED = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it.each([['abc'], ['3f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e'], ['trace.01:span_02'], ['a'.repeat(128)]])(
    'keeps the well-formed client value %s',
    (value) => {
      expect(resolveRequestId(value)).toBe(value);
    },
  );

  it.each([
    [undefined],
    [''],
    ['a'.repeat(129)],
    ['with space'],
    ['new\nline'],
    ['-dash-first'],
    ['ü-umlaut'],
    ['a/b'],
  ])('replaces %j with a fresh UUID', (value) => {
    expect(resolveRequestId(value)).toMatch(GENERATED);
  });

  it('uses the first of repeated headers', () => {
    expect(resolveRequestId(['first', 'second'])).toBe('first');
  });
});
