import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { of } from 'rxjs';
import type { CallerBatch } from '@flowgate/core';
import type { CallerRoundTripPlanner } from '@flowgate/traffic';
import { GlobalGuards } from './global-guards';

/** The composite's mechanics; test/app-wiring.e2e-spec.ts pins which guards run, in which order. */
describe('GlobalGuards', () => {
  const context = {} as ExecutionContext;

  function guards(...verdicts: (boolean | 'throws' | 'observable' | 'plain true' | 'plain false')[]) {
    const ran: number[] = [];
    const chain = verdicts.map((verdict, index): CanActivate => ({
      canActivate: () => {
        ran.push(index);
        if (verdict === 'throws') throw new Error(`guard ${index} refuses`);
        if (verdict === 'observable') return of(true);
        // A guard may answer synchronously (authorization and request shape usually do).
        if (verdict === 'plain true' || verdict === 'plain false') return verdict === 'plain true';
        return Promise.resolve(verdict);
      },
    }));
    const [a, b, c, d] = chain as never[];
    const givenBack = jest.fn(() => Promise.resolve());
    const planner = { plan: () => ({ giveBackUnclaimed: givenBack }) as unknown as CallerBatch };
    return { composite: new GlobalGuards(a, b, c, d, planner as unknown as CallerRoundTripPlanner), ran, givenBack };
  }

  it('runs every guard, in its order, when all allow (an Observable verdict included)', async () => {
    const { composite, ran } = guards(true, 'observable', true, true);
    await expect(composite.canActivate(context)).resolves.toBe(true);
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('keeps what the caller round trip did for an admitted request; gives back the unclaimed on a refusal', async () => {
    const admitted = guards(true, true, true, true);
    await admitted.composite.canActivate(context);
    expect(admitted.givenBack).not.toHaveBeenCalled();

    const thrown = guards(true, 'throws', true, true);
    await expect(thrown.composite.canActivate(context)).rejects.toThrow();
    expect(thrown.givenBack).toHaveBeenCalledTimes(1);

    const refused = guards(true, true, false, true);
    await expect(refused.composite.canActivate(context)).resolves.toBe(false);
    expect(refused.givenBack).toHaveBeenCalledTimes(1);
  });

  it('stops at the first guard that throws: the ones after it never run', async () => {
    const { composite, ran } = guards(true, 'throws', true, true);
    await expect(composite.canActivate(context)).rejects.toThrow('guard 1 refuses');
    expect(ran).toEqual([0, 1]);
  });

  it('takes a plain boolean verdict as it is, allowing or refusing, beside promised ones', async () => {
    const allowed = guards('plain true', true, 'plain true', 'observable');
    await expect(allowed.composite.canActivate(context)).resolves.toBe(true);
    expect(allowed.ran).toEqual([0, 1, 2, 3]);

    const refused = guards(true, 'plain false', true, true);
    await expect(refused.composite.canActivate(context)).resolves.toBe(false);
    expect(refused.ran).toEqual([0, 1]);
    expect(refused.givenBack).toHaveBeenCalledTimes(1);
  });

  it('answers at once, without a promise, when every guard answers a plain true', () => {
    const { composite, ran } = guards('plain true', 'plain true', 'plain true', 'plain true');
    expect(composite.canActivate(context)).toBe(true);
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('goes on after a promised verdict with the guards after it, in order', async () => {
    const { composite, ran } = guards('plain true', true, 'plain true', 'plain true');
    const verdict = composite.canActivate(context);
    expect(verdict).toBeInstanceOf(Promise);
    expect(ran).toEqual([0, 1]);
    await expect(verdict).resolves.toBe(true);
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('gives back the batch when a guard after a promised verdict throws', async () => {
    const { composite, ran, givenBack } = guards(true, true, 'throws', true);
    await expect(composite.canActivate(context)).rejects.toThrow('guard 2 refuses');
    expect(ran).toEqual([0, 1, 2]);
    expect(givenBack).toHaveBeenCalledTimes(1);
  });

  it("asks a guard's verdictNow, where it has one, instead of its canActivate", () => {
    const canActivate = jest.fn(() => Promise.resolve(true));
    const verdictNow = jest.fn(() => true);
    const plain: CanActivate = { canActivate: () => true };
    const planner = { plan: () => undefined } as unknown as CallerRoundTripPlanner;
    const composite = new GlobalGuards(
      plain as never,
      plain as never,
      { canActivate, verdictNow } as never,
      plain as never,
      planner,
    );
    expect(composite.canActivate(context)).toBe(true);
    expect(verdictNow).toHaveBeenCalledWith(context);
    expect(canActivate).not.toHaveBeenCalled();
  });

  it('stops at the first guard that answers false, and answers false (Nest then says 403)', async () => {
    const { composite, ran } = guards(true, true, false, true);
    await expect(composite.canActivate(context)).resolves.toBe(false);
    expect(ran).toEqual([0, 1, 2]);
  });
});
