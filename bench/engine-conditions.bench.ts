import { decide, PURCHASE_APPROVAL_THRESHOLD, validateDefinition, type WorkflowDefinition } from '@flowgate/workflows';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { median } from './support/measure';

/**
 * What a condition costs the pure engine: `decide` on the same transition of two definitions that
 * differ only in its `when` (none as the baseline; a comparison of data and input, as the purchase
 * request's routing). In-process, no I/O: decisions per second over interleaved rounds, the ratio
 * to the baseline measured in the same run.
 */
describe('Engine decisions with and without conditions', () => {
  const settings = benchSettings();

  const definitionWith = (extra: Record<string, unknown>): WorkflowDefinition => {
    const result = validateDefinition({
      key: 'bench-engine',
      title: 'Bench engine',
      dataSchema: {
        type: 'object',
        properties: { amount: { type: 'number' }, approvedAmount: { type: 'number' } },
      },
      states: [
        { name: 'submitted', initial: true },
        { name: 'approved', terminal: true },
      ],
      transitions: [
        {
          name: 'approve',
          from: 'submitted',
          to: 'approved',
          role: 'approver',
          input: { type: 'object', properties: { approvedAmount: { type: 'number' } } },
          ...extra,
        },
      ],
    });
    if (!result.valid) throw new Error(JSON.stringify(result.violations));
    return result.definition;
  };

  it(
    'decide: no condition (baseline) vs a condition on data and input',
    () => {
      const variants = [
        { name: 'no condition (baseline)', definition: definitionWith({}) },
        {
          name: 'when on data and input',
          definition: definitionWith({
            when: `data.amount <= ${PURCHASE_APPROVAL_THRESHOLD}.0 && input.approvedAmount <= data.amount`,
          }),
        },
      ];
      const request = (definition: WorkflowDefinition) => ({
        definition,
        instance: { state: 'submitted', initiatorId: 'alice', assigneeIds: [], data: { amount: 500 } },
        actorsByTransition: {},
        votes: {},
        principal: { userId: 'bob', roles: ['approver' as const], stepUpSatisfied: true },
        transitionName: 'approve',
        input: { approvedAmount: 400 },
      });
      const iterations = 20_000;
      const perSecond: number[][] = variants.map(() => []);
      for (let round = 0; round < settings.rounds + 1; round += 1) {
        for (const [index, variant] of variants.entries()) {
          const asked = request(variant.definition);
          const started = performance.now();
          for (let i = 0; i < iterations; i += 1) {
            if (!decide(asked).allowed) throw new Error('the bench measures an allowed decision');
          }
          // The first round warms the JIT up and is not counted.
          if (round > 0) perSecond[index].push(iterations / ((performance.now() - started) / 1000));
        }
      }
      const [base, conditioned] = perSecond.map(median) as [number, number];
      process.stdout.write(
        `\nEngine decide(), median of ${settings.rounds} interleaved rounds of ${iterations}\n` +
          `  ${variants[0].name}: ${Math.round(base)} decisions/s  x1.00\n` +
          `  ${variants[1].name}:  ${Math.round(conditioned)} decisions/s  x${(conditioned / base).toFixed(2)}\n`,
      );
      expect(conditioned).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, 2),
  );
});
