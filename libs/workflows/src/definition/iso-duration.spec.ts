import { durationProblem, isIsoDuration } from './iso-duration';

describe('isIsoDuration', () => {
  it.each([
    'P3D',
    'PT12H',
    'PT30M',
    'PT45S',
    'P1Y',
    'P2M',
    'P1Y2M10DT2H30M15S',
    'P1DT6H',
    'P2W',
    'P1Y1D',
    'PT36H',
    'P0DT1S',
  ])('accepts %s', (value) => {
    expect(isIsoDuration(value)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['P', 'no component'],
    ['PT', 'a T with nothing after it'],
    ['P1DT', 'a trailing T'],
    ['3D', 'no leading P'],
    ['p3d', 'lowercase'],
    ['P3H', 'hours before the T'],
    ['PT3D', 'days after the T'],
    ['P1D2Y', 'components out of order'],
    ['P1W2D', 'weeks combined with days'],
    ['PT0.5S', 'a fraction'],
    ['P-1D', 'a negative number'],
    [' P3D', 'surrounding space'],
    ['P3D\n', 'a trailing newline'],
    ['P0D', 'zero days'],
    ['PT0H0M0S', 'zero time'],
    ['P0W', 'zero weeks'],
  ])('rejects %j (%s)', (value) => {
    expect(isIsoDuration(value)).toBe(false);
    expect(durationProblem(value)).toEqual(expect.any(String));
  });

  it('explains a zero duration differently from a malformed one', () => {
    expect(durationProblem('P0D')).toBe('must be longer than zero');
    expect(durationProblem('3 days')).toMatch(/ISO 8601/);
  });
});
