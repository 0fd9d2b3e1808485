import { AppError } from '../errors/app-error';
import { assertIfMatch, ifNoneMatchMatches, parseEntityTags } from './etag';

describe('parseEntityTags', () => {
  it.each([
    ['*', '*'],
    [' * ', '*'],
    ['"3"', [{ weak: false, opaque: '"3"' }]],
    ['W/"3"', [{ weak: true, opaque: '"3"' }]],
    [
      '"1", W/"2" ,"3"',
      [
        { weak: false, opaque: '"1"' },
        { weak: true, opaque: '"2"' },
        { weak: false, opaque: '"3"' },
      ],
    ],
    ['"a,b"', [{ weak: false, opaque: '"a,b"' }]],
    [
      '"1",,"2"',
      [
        { weak: false, opaque: '"1"' },
        { weak: false, opaque: '"2"' },
      ],
    ],
    ['""', [{ weak: false, opaque: '""' }]],
    ['3', undefined],
    ['"3', undefined],
    ['w/"3"', undefined],
    ['"3" "4"', undefined],
    ['"3", *', undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseEntityTags(header)).toEqual(expected);
  });
});

describe('ifNoneMatchMatches (weak comparison)', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['"7"', true],
    ['W/"7"', true],
    ['"6", "7"', true],
    ['"6", W/"7"', true],
    ['*', true],
    ['"6"', false],
    ['"70"', false],
    ['7', false],
    ['', false],
  ])('If-None-Match %j against "7" → %s', (header, expected) => {
    expect(ifNoneMatchMatches(header, '"7"')).toBe(expected);
  });
});

describe('assertIfMatch (strong comparison)', () => {
  const codeOf = (header: string | undefined): string | undefined => {
    try {
      assertIfMatch(header, 7);
      return undefined;
    } catch (error) {
      return (error as AppError).code;
    }
  };

  it.each<[string | undefined, string | undefined]>([
    ['"7"', undefined],
    ['*', undefined],
    ['"6", "7"', undefined],
    ['W/"7"', 'precondition_failed'],
    ['"6"', 'precondition_failed'],
    ['7', 'precondition_failed'],
    [undefined, 'precondition_required'],
    ['  ', 'precondition_required'],
  ])('If-Match %j against version 7 → %s', (header, expected) => {
    expect(codeOf(header)).toBe(expected);
  });
});
