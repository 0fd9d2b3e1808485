import { parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['01HZY3J5T1R6QF2X0M8WJ1K9ZB', '01HZY3J5T1R6QF2X0M8WJ1K9ZB'],
    ['order:42/retry.1~a+b=', 'order:42/retry.1~a+b='],
    ['a', 'a'],
    ['x'.repeat(255), 'x'.repeat(255)],
    [`"${'x'.repeat(255)}"`, 'x'.repeat(255)],
  ])('accepts %s', (header, key) => {
    expect(parseIdempotencyKey(header)).toEqual({ key });
  });

  it.each([
    ['', 'empty'],
    ['""', 'empty quoted'],
    ['x'.repeat(256), 'too long'],
    ['has space', 'space'],
    ['"unterminated', 'half-quoted'],
    ['semi;colon', 'separator'],
    ['"esc\\"aped"', 'escapes'],
    ['ключ', 'non-ASCII'],
    ['a,b', 'list'],
  ])('rejects %j (%s)', (header) => {
    expect(parseIdempotencyKey(header)).toEqual({ problem: expect.stringContaining('1 to 255 characters') });
  });
});
