import { compileCondition, CONDITION_LIMITS, type CompiledCondition } from '../definition/conditions/compile-condition';
import type { JsonSchema } from '../definition/workflow-definition';
import { evaluateCondition } from './evaluate-condition';

const DATA: JsonSchema = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    note: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

function compiled(source: string): CompiledCondition {
  const result = compileCondition(source, { data: DATA });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.condition;
}

const at = new Date('2026-01-01T00:00:00Z');
const bindings = (data: unknown) => ({
  data,
  actor: { id: 'bob', roles: ['approver'] },
  instance: { state: 'submitted', initiatorId: 'alice', createdAt: at, enteredAt: new Date(at.getTime() + 3_600_000) },
});

describe('evaluateCondition', () => {
  it.each([
    ['data.amount > 1000', { amount: 1500 }, { met: true }],
    ['data.amount > 1000', { amount: 1000 }, { met: false, why: 'it is false', certain: true }],
    [
      'data.note == "x"',
      { amount: 1 },
      { met: false, why: 'it could not be evaluated on this instance', certain: false },
    ],
    ['has(data.note) && data.note == "x"', { amount: 1 }, { met: false, why: 'it is false', certain: true }],
    ['data.amount / 0.0 > 1.0', { amount: 1 }, { met: true }],
    ['"approver" in actor.roles && actor.id != instance.initiatorId', {}, { met: true }],
    ['instance.enteredAt - instance.createdAt == duration("1h")', {}, { met: true }],
    ['data.tags.exists(t, t == "b")', { tags: ['a', 'b'] }, { met: true }],
    ['data.amount > 1.0', null, { met: false, why: 'it could not be evaluated on this instance', certain: false }],
  ])('%s on %j', (source, data, verdict) => {
    expect(evaluateCondition(compiled(source), bindings(data))).toEqual(verdict);
  });

  it('refuses to iterate over a list past the cost limit, without evaluating', () => {
    const tags = Array.from({ length: CONDITION_LIMITS.maxCost }, () => 'a');
    const verdict = evaluateCondition(compiled('data.tags.all(t, t == "a")'), bindings({ tags }));
    expect(verdict).toEqual({
      met: false,
      why: `it would cost more than ${CONDITION_LIMITS.maxCost} to evaluate`,
      certain: true,
    });
  });

  it('reads a large list without a comprehension at the cost of its nodes', () => {
    const tags = Array.from({ length: CONDITION_LIMITS.maxCost }, () => 'a');
    expect(evaluateCondition(compiled('size(data.tags) > 5'), bindings({ tags }))).toEqual({ met: true });
  });
});
