import { validateDefinition } from '../definition/definition-validator';
import { definitionOf } from '../testing/valid-definition';
import { availableTransitions } from './available-transitions';
import { decide } from './decide';
import type { DecisionRequest } from './decision';

const document = {
  key: 'routing',
  title: 'Routing',
  dataSchema: { type: 'object', properties: { amount: { type: 'number' } } },
  states: [
    { name: 'open', initial: true },
    { name: 'small', terminal: true },
    { name: 'large', terminal: true },
  ],
  transitions: [
    { name: 'approve_small', from: 'open', to: 'small', role: 'approver', when: 'data.amount <= 1000.0' },
    {
      name: 'approve_stated',
      from: 'open',
      to: 'large',
      role: 'approver',
      stepUp: true,
      input: { type: 'object', properties: { approvedAmount: { type: 'number' } } },
      when: 'input.approvedAmount == data.amount',
    },
  ],
};
const routing = definitionOf(document);

function request(amount: number, overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    definition: routing,
    instance: { state: 'open', initiatorId: 'alice', assigneeIds: [], data: { amount } },
    actorsByTransition: {},
    votes: {},
    principal: { userId: 'bob', roles: ['approver'], stepUpSatisfied: true },
    transitionName: 'approve_small',
    input: undefined,
    ...overrides,
  };
}

const notMet = (transition: string, condition: string) => ({
  allowed: false,
  reason: 'condition_not_met',
  detail: `the condition of ${JSON.stringify(transition)} does not hold: it is false`,
  transition,
  condition,
});

describe('conditions in the engine', () => {
  it.each([
    ['a condition on data that holds', request(500), { allowed: true, outcome: 'moved', from: 'open', to: 'small' }],
    ['a condition on data that fails', request(5000), notMet('approve_small', 'data.amount <= 1000.0')],
    [
      'a condition on input that holds',
      request(5000, { transitionName: 'approve_stated', input: { approvedAmount: 5000 } }),
      { allowed: true, outcome: 'moved', from: 'open', to: 'large' },
    ],
    [
      'a condition on input that fails',
      request(5000, { transitionName: 'approve_stated', input: { approvedAmount: 100 } }),
      notMet('approve_stated', 'input.approvedAmount == data.amount'),
    ],
    [
      'the role before the condition',
      request(5000, { principal: { userId: 'bob', roles: ['viewer'], stepUpSatisfied: true } }),
      expect.objectContaining({ reason: 'insufficient_role' }),
    ],
  ])('%s', (_, asked, verdict) => {
    expect(decide(asked)).toEqual(verdict);
  });

  it('lists a transition whose data condition fails as not available, and leaves one on input open', () => {
    const listed = availableTransitions(
      request(5000, { principal: { userId: 'bob', roles: ['approver'], stepUpSatisfied: false } }),
    );
    expect(listed.map(({ name, decision }) => [name, decision.allowed ? 'allowed' : decision.reason])).toEqual([
      ['approve_small', 'condition_not_met'],
      ['approve_stated', 'step_up_required'],
    ]);
  });

  it('reports a condition on an undeclared field at the pointer of the when', () => {
    const result = validateDefinition({
      ...document,
      transitions: [{ ...document.transitions[0], when: 'data.amont > 1.0' }, document.transitions[1]],
    });
    expect(result).toEqual({
      valid: false,
      violations: [
        { pointer: '/transitions/0/when', code: 'unknown_field', detail: 'data.amont is not declared by its schema' },
      ],
    });
  });

  it('reports a condition too long as invalid_length, with every other violation', () => {
    const result = validateDefinition({
      ...document,
      title: '',
      transitions: [{ ...document.transitions[0], when: `${'true && '.repeat(200)}true` }, document.transitions[1]],
    });
    expect(result.valid ? [] : result.violations.map((violation) => [violation.pointer, violation.code])).toEqual([
      ['/title', 'invalid_length'],
      ['/transitions/0/when', 'invalid_length'],
    ]);
  });
});
