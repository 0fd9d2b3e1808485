import { retryDelaySeconds } from './timer-firing.service';

describe('retryDelaySeconds (a timer whose firing failed)', () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [8, 640],
    [9, 900],
    [40, 900],
  ])('waits %i failed attempts → %i s', (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });
});
