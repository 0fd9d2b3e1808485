import { idempotencyKey, newIdempotencyKey } from './idempotency-key';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('idempotencyKey', () => {
  it('makes a fresh UUID v4 key per intended change', () => {
    const keys = Array.from({ length: 100 }, () => idempotencyKey()['Idempotency-Key']);

    for (const key of keys) expect(key).toMatch(UUID_V4);
    expect(new Set(keys).size).toBe(100);
  });

  it('sends a key kept for a retry of the same change unchanged', () => {
    const key = newIdempotencyKey();
    expect(idempotencyKey(key)).toEqual({ 'Idempotency-Key': key });
  });

  it('is one object to pass on every attempt of one change', () => {
    const change = idempotencyKey();
    expect({ ...change }).toEqual(change);
  });
});
