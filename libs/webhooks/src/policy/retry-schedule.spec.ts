import { isAccepted, nextAttemptDelay } from './retry-schedule';

const POLICY = { maxAttempts: 5, retryBaseDelayMs: 1_000, retryMaxDelayMs: 5_000 };

describe('nextAttemptDelay', () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [2, 1, 2_000],
    [3, 0.5, 3_000],
    [4, 1, 5_000],
  ])('after attempt %i with random %f waits %i ms', (attempts, random, delayMs) => {
    expect(nextAttemptDelay(attempts, POLICY, () => random)).toEqual({ deadLetter: false, delayMs });
  });

  it('dead-letters after the last attempt', () => {
    expect(nextAttemptDelay(5, POLICY)).toEqual({ deadLetter: true });
    expect(nextAttemptDelay(6, POLICY)).toEqual({ deadLetter: true });
  });

  it('never waits less than half nor more than the cap, however many attempts', () => {
    for (let attempts = 1; attempts < 5; attempts++) {
      for (const random of [0, 0.3, 0.999]) {
        const next = nextAttemptDelay(attempts, { ...POLICY, maxAttempts: 100 }, () => random);
        if (next.deadLetter) throw new Error('unexpected dead letter');
        const nominal = Math.min(5_000, 1_000 * 2 ** (attempts - 1));
        expect(next.delayMs).toBeGreaterThanOrEqual(nominal / 2);
        expect(next.delayMs).toBeLessThanOrEqual(nominal);
      }
    }
  });
});

describe('isAccepted', () => {
  it.each([
    [200, true],
    [204, true],
    [299, true],
    [301, false],
    [302, false],
    [400, false],
    [410, false],
    [500, false],
  ])('%i → %s', (status, accepted) => {
    expect(isAccepted(status)).toBe(accepted);
  });
});
