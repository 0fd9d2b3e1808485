import { collectStartupGarbage } from './startup-garbage';

describe('collectStartupGarbage', () => {
  const holder = globalThis as { gc?: () => void };
  const original = holder.gc;
  afterEach(() => {
    if (original) holder.gc = original;
    else delete holder.gc;
  });

  it('runs the full collection once when node was started with --expose-gc', () => {
    const gc = jest.fn();
    holder.gc = gc;
    expect(collectStartupGarbage()).toBe(true);
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('does nothing without the flag (a development start)', () => {
    delete holder.gc;
    expect(collectStartupGarbage()).toBe(false);
  });
});
