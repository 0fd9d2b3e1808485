import { DYN, schemaShape } from './cel-shape';
import { compileCondition } from './compile-condition';
import type { JsonSchema } from '../workflow-definition';

/**
 * The condition type checker's rules, operator by operator: which operand types each accepts, and
 * the exact problem for each it refuses (compile-condition.spec.ts covers the language end to end).
 */
const DATA: JsonSchema = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    currency: { type: 'string' },
    note: { type: ['string', 'null'] },
    either: { type: ['string', 'number'] },
    tags: { type: 'array', items: { type: 'string' } },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: { price: { type: 'number' }, product: { type: 'object', properties: { sku: { type: 'string' } } } },
      },
    },
    owner: { type: 'object', properties: { id: { type: 'string' } } },
    extra: {},
  },
};

function problemsOf(source: string, schemas: { data?: JsonSchema } = { data: DATA }) {
  const result = compileCondition(source, schemas);
  return result.ok ? [] : result.problems;
}

const invalid = (detail: string) => ({ code: 'invalid_condition', detail });

describe('checkCondition accepts', () => {
  it.each([
    ['a list literal of one type', '[1, 2] == [1, 2]'],
    ['a list literal of mixed types (its items dyn)', 'size([1, "a"]) == 2'],
    ['an empty list literal', 'size([]) == 0'],
    ['a map literal', 'size({"a": 1}) == 1'],
    ['null', 'data.currency == null'],
    ['a nullable type as that type', 'data.note.startsWith("x")'],
    ['a union of types as dyn', 'data.either == 1 && data.either == "x"'],
    ['iterating over a map (its keys, strings)', 'data.owner.all(k, k.startsWith("i"))'],
    ['iterating over a field of no declared type', 'data.extra.exists(x, x == 1)'],
    ['unary minus on a number', '-data.amount < 0.0'],
    ['a ternary of two types (dyn)', '(data.amount > 1.0 ? 1 : "x") == 1'],
    ['in on a map', '"id" in data.owner'],
    ['in on a field of no declared type', '"x" in data.extra'],
    ['size as a method', 'data.tags.size() > 1'],
    ['a list index', 'data.tags[0] == "a"'],
    ['a list index of no declared type', 'data.tags[data.extra] == "a"'],
    ['a map index by a constant (a declared field)', 'data.owner["id"] == actor.id'],
    ['a map index by an expression (dyn)', 'data.owner[data.currency] == "x"'],
    ['an index into a field of no declared type', 'data.extra["a"] == 1'],
    ['timestamp + duration', 'instance.createdAt + duration("1h") < instance.enteredAt'],
    ['duration + duration', 'duration("1h") + duration("2h") > duration("1h")'],
    ['duration + timestamp', 'duration("1h") + instance.createdAt < instance.enteredAt'],
    ['list + list', 'size(data.tags + ["x"]) > 1'],
    ['string + string', 'data.currency + "x" == "EURx"'],
    ['timestamp - timestamp', 'instance.enteredAt - instance.createdAt > duration("1h")'],
    ['timestamp - duration', 'instance.enteredAt - duration("1h") > instance.createdAt'],
    ['duration - duration', 'duration("2h") - duration("1h") > duration("0s")'],
    ['int % int', 'size(data.tags) % 2 == 0'],
    ['arithmetic on a field of no declared type', 'data.extra - 1 == data.extra * 2'],
    ['conversions', 'int(data.amount) > 1 && double(size(data.tags)) > 1.0 && string(data.amount) != ""'],
    ['timestamps from strings', 'timestamp("2026-01-01T00:00:00Z") < instance.createdAt'],
  ])('%s: %s', (_, source) => {
    expect(problemsOf(source)).toEqual([]);
  });
});

describe('checkCondition refuses, with the exact problem', () => {
  it.each([
    ['ordering a string with an int', 'data.currency < 1', [invalid('< does not apply to string and int')]],
    ['ordering a list', 'data.tags < 1', [invalid('< does not apply to list(string) and int')]],
    ['subtracting from a string', '"a" - "b" == "c"', [invalid('- does not apply to string and string')]],
    ['subtracting an int from a double', 'data.amount - 1 > 0.0', [invalid('- does not apply to double and int')]],
    ['% on doubles', 'data.amount % 2.0 == 0.0', [invalid('% does not apply to double and double')]],
    ['adding booleans', 'true + true', [invalid('+ does not apply to bool and bool')]],
    ['unary minus on a string', '-data.currency == "x"', [invalid('- does not apply to string')]],
    ['a ternary on a number', '(data.amount ? 1 : 2) == 1', [invalid('? : does not apply to double')]],
    ['in on a string', '"x" in data.currency', [invalid('in does not apply to string and string')]],
    ['size of a number', 'size(data.amount) > 1', [invalid('size does not apply to double')]],
    ['a list indexed by a string', 'data.tags["a"] == "x"', [invalid('a list index must be an int')]],
    ['indexing a number', 'data.amount[0] == 1.0', [invalid('cannot index double')]],
    ['a field of a number', 'data.amount.x == 1', [invalid('double has no field "x"')]],
    ['iterating over a number', 'data.amount.all(x, x > 1)', [invalid('cannot iterate over double')]],
    ['a method that is not there', 'data.currency.lower() == "x"', [invalid('"lower" is not a function available in conditions')]], // prettier-ignore
    ['a conversion called as a method', 'data.amount.int() == 1', [invalid('"int" is not a function available in conditions')]], // prettier-ignore
    ['bytes', 'b"abc" == b"abc"', [invalid('bytes and other literals are not available in conditions'), invalid('bytes and other literals are not available in conditions')]], // prettier-ignore
    ['a message', 'google.protobuf.Int64Value{value: 1} == 1', [invalid('messages are not available in conditions')]], // prettier-ignore
    // No variable path to name: the field is reported on "the object".
    ['an undeclared field of an indexed item', 'data.lines[0].nope == 1', [{ code: 'unknown_field', detail: 'the object.nope is not declared by its schema' }]], // prettier-ignore
    ['an undeclared field below an indexed item', 'data.lines[0].product.nope == 1', [{ code: 'unknown_field', detail: 'the object.nope is not declared by its schema' }]], // prettier-ignore
  ])('%s: %s', (_, source, expected) => {
    expect(problemsOf(source)).toEqual(expected);
  });

  it('reads a definition without a data schema as one that declares nothing', () => {
    expect(problemsOf('data.amount > 1.0', {})).toEqual([
      { code: 'unknown_field', detail: 'data.amount is not declared by its schema' },
    ]);
  });
});

describe('schemaShape', () => {
  it.each([
    ['a boolean schema', true],
    ['null', null],
    ['an array', [{ type: 'string' }]],
    ['a union of two types', { type: ['string', 'number'] }],
    ['a type list of anything but names', { type: [1] }],
    ['an unknown type', { type: 'date' }],
    ['no type', { properties: { a: { type: 'string' } } }],
  ])('reads %s as dyn', (_, schema) => {
    expect(schemaShape(schema as JsonSchema)).toEqual(DYN);
  });

  it('reads an object without properties as a map that declares nothing', () => {
    expect(schemaShape({ type: 'object', properties: [] as unknown as JsonSchema })).toEqual({
      kind: 'object',
      fields: new Map(),
    });
  });
});
