import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { of } from 'rxjs';
import { GlobalGuards } from './global-guards';

/** The composite's mechanics; test/app-wiring.e2e-spec.ts pins which guards run, in which order. */
describe('GlobalGuards', () => {
  const context = {} as ExecutionContext;

  function guards(...verdicts: (boolean | 'throws' | 'observable')[]) {
    const ran: number[] = [];
    const chain = verdicts.map((verdict, index): CanActivate => ({
      canActivate: () => {
        ran.push(index);
        if (verdict === 'throws') throw new Error(`guard ${index} refuses`);
        if (verdict === 'observable') return of(true);
        return Promise.resolve(verdict);
      },
    }));
    const [a, b, c, d] = chain as never[];
    return { composite: new GlobalGuards(a, b, c, d), ran };
  }

  it('runs every guard, in its order, when all allow (an Observable verdict included)', async () => {
    const { composite, ran } = guards(true, 'observable', true, true);
    await expect(composite.canActivate(context)).resolves.toBe(true);
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('stops at the first guard that throws: the ones after it never run', async () => {
    const { composite, ran } = guards(true, 'throws', true, true);
    await expect(composite.canActivate(context)).rejects.toThrow('guard 1 refuses');
    expect(ran).toEqual([0, 1]);
  });

  it('stops at the first guard that answers false, and answers false (Nest then says 403)', async () => {
    const { composite, ran } = guards(true, true, false, true);
    await expect(composite.canActivate(context)).resolves.toBe(false);
    expect(ran).toEqual([0, 1, 2]);
  });
});
