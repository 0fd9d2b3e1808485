import { redact, REDACTED } from './redact';

describe('redact', () => {
  it.each([
    [{ password: 'p' }, { password: REDACTED }],
    [
      { Password: 'p', name: 'n' },
      { Password: REDACTED, name: 'n' },
    ],
    [{ nested: { token: { deep: 1 } } }, { nested: { token: REDACTED } }],
    [{ list: [{ secret: 's' }, { other: 1 }] }, { list: [{ secret: REDACTED }, { other: 1 }] }],
    [{ status: 'active' }, { status: 'active' }],
  ])('%j → %j', (input, expected) => {
    expect(redact(input, ['password', 'token', 'secret'])).toEqual(expected);
  });

  it('does not modify its input', () => {
    const input = { password: 'p' };
    redact(input, ['password']);
    expect(input.password).toBe('p');
  });
});
