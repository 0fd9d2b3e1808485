import { compileCondition } from './compile-condition';
import type { JsonSchema } from '../workflow-definition';

const DATA: JsonSchema = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'number' },
    currency: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    lines: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } },
    owner: { type: 'object', properties: { id: { type: 'string' } } },
    extra: {},
  },
};
const INPUT: JsonSchema = { type: 'object', properties: { approvedAmount: { type: 'number' } } };

describe('compileCondition', () => {
  it.each([
    ['a comparison with an int literal', 'data.amount > 1000'],
    ['a comparison with a double literal', 'data.amount > 1000.0'],
    ['arithmetic on doubles', 'input.approvedAmount * 2.0 <= data.amount'],
    ['strings and lists', 'data.currency == "EUR" && "urgent" in data.tags && size(data.tags) < 5'],
    ['string methods, RE2 patterns', 'data.currency.startsWith("E") && data.currency.matches("^[A-Z]{3}$")'],
    ['has() on a declared optional field', 'has(data.currency) && data.currency != "USD"'],
    ['one level of comprehension', 'data.lines.all(line, line.price < 100.0)'],
    ['the actor and the instance', '"approver" in actor.roles && actor.id != instance.initiatorId'],
    ['timestamps', 'instance.enteredAt - instance.createdAt < duration("72h")'],
    ['a field of an object declared without a type', 'data.extra.anything == 1'],
    ['a nested declared field', 'data.owner.id == actor.id'],
    ['a ternary', '(data.amount > 10.0 ? "big" : "small") == "big"'],
  ])('compiles %s', (_, source) => {
    const result = compileCondition(source, { data: DATA, input: INPUT });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each([
    ['an undeclared data field', 'data.amout > 1000', 'unknown_field', 'data.amout is not declared'],
    ['an undeclared nested field', 'data.owner.name == "x"', 'unknown_field', 'data.owner.name is not declared'],
    ['an undeclared input field', 'input.amount > 1.0', 'unknown_field', 'input.amount is not declared'],
    ['an undeclared field in has()', 'has(data.nope)', 'unknown_field', 'data.nope is not declared'],
    ['an undeclared field of a list item', 'data.lines.exists(l, l.cost > 1.0)', 'unknown_field', 'l.cost'],
    ['an unknown actor field', 'actor.email == "x"', 'unknown_field', 'actor.email'],
    ['an unknown variable', 'request.amount > 1', 'invalid_condition', '"request" is not a variable'],
    ['a syntax error', 'data.amount >', 'invalid_condition', 'syntax error'],
    ['a non-boolean result', 'data.amount + 1.0', 'invalid_condition', 'must be a boolean'],
    ['mixed arithmetic', 'data.amount + 1 > 2.0', 'invalid_condition', 'does not apply to double and int'],
    ['comparing a number with a string', 'data.amount == "1000"', 'invalid_condition', 'does not apply'],
    ['an unknown function', 'now() > instance.createdAt', 'invalid_condition', '"now" is not a function'],
    ['nested comprehensions', 'data.tags.all(a, data.tags.all(b, a == b))', 'invalid_condition', 'nest at most 1'],
    ['a string method on a number', 'data.amount.startsWith("1")', 'invalid_condition', 'does not apply'],
  ])('refuses %s', (_, source, code, detail) => {
    const result = compileCondition(source, { data: DATA, input: INPUT });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toContainEqual({ code, detail: expect.stringContaining(detail) });
    }
  });

  it('treats a missing schema as one that declares nothing', () => {
    const result = compileCondition('input.x == 1', { data: DATA });
    expect(result.ok ? [] : result.problems).toEqual([
      { code: 'unknown_field', detail: 'input.x is not declared by its schema' },
    ]);
  });

  it('records whether a condition reads the input', () => {
    const reads = compileCondition('input.approvedAmount > 1.0', { data: DATA, input: INPUT });
    const ignores = compileCondition('data.amount > 1.0', { data: DATA, input: INPUT });
    expect(reads.ok && reads.condition.readsInput).toBe(true);
    expect(ignores.ok && ignores.condition.readsInput).toBe(false);
  });
});
