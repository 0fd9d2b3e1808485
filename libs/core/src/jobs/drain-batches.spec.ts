import { drainBatches } from './drain-batches';

describe('drainBatches', () => {
  it('purges until a batch comes back short, and returns the total', async () => {
    const answers = [3, 3, 1, 3];
    const purge = jest.fn(async () => answers.shift() ?? 0);
    expect(await drainBatches(new AbortController().signal, 3, purge)).toBe(7);
    expect(purge).toHaveBeenCalledTimes(3);
  });

  it('starts no batch once shutdown is asked for', async () => {
    const stop = new AbortController();
    const purge = jest.fn(async () => (stop.abort(), 3));
    expect(await drainBatches(stop.signal, 3, purge)).toBe(3);
    expect(purge).toHaveBeenCalledTimes(1);
  });
});
