import { definitionOf } from '../testing/valid-definition';
import { changeData } from './change-data';

const definition = definitionOf({
  key: 'sets',
  title: 'Sets',
  dataSchema: {
    type: 'object',
    required: ['amount'],
    properties: {
      amount: { type: 'number', minimum: 0 },
      approvedAmount: { type: 'number', minimum: 0 },
      owner: { type: 'object', properties: { id: { type: 'string' } } },
      count: { type: 'integer' },
    },
  },
  states: [
    { name: 'open', initial: true },
    { name: 'done', terminal: true },
  ],
  transitions: [
    {
      name: 'approve',
      from: 'open',
      to: 'done',
      input: { type: 'object', properties: { approvedAmount: { type: 'number' } } },
      set: { '/approvedAmount': 'input.approvedAmount', '/owner/id': 'actor.id', '/count': '1 + 1' },
    },
    {
      name: 'halve',
      from: 'open',
      to: 'done',
      set: { '/amount': 'data.amount / 2.0', '/approvedAmount': 'data.amount' },
    },
    { name: 'huge', from: 'open', to: 'done', set: { '/count': '9007199254740993' } },
  ],
});

const bindings = (data: unknown, input?: unknown) => ({
  data,
  input,
  actor: { id: 'u1', roles: [] },
  instance: { state: 'open', initiatorId: 'u0', createdAt: new Date(0), enteredAt: new Date(0) },
});

describe('changeData', () => {
  it('assigns each field, creating objects on the way, and lists what changed', () => {
    const result = changeData(definition, 'approve', bindings({ amount: 10 }, { approvedAmount: 8 }));
    expect(result).toEqual({
      ok: true,
      data: { amount: 10, approvedAmount: 8, owner: { id: 'u1' }, count: 2 },
      changes: [
        { pointer: '/approvedAmount', before: null, after: 8 },
        { pointer: '/count', before: null, after: 2 },
        { pointer: '/owner/id', before: null, after: 'u1' },
      ],
    });
  });

  it('reads the data as it was before the transition in every expression', () => {
    const result = changeData(definition, 'halve', bindings({ amount: 10 }));
    expect(result.ok && result.data).toEqual({ amount: 5, approvedAmount: 10 });
  });

  it('leaves out a field set to the value it has', () => {
    const result = changeData(
      definition,
      'approve',
      bindings({ amount: 1, approvedAmount: 3, owner: { id: 'u1' }, count: 2 }, { approvedAmount: 3 }),
    );
    expect(result.ok && result.changes).toEqual([]);
  });

  it.each([
    ['data the schema refuses', 'approve', { amount: 1 }, { approvedAmount: -1 }, '/data/approvedAmount', 'minimum'],
    ['an expression that cannot be evaluated', 'approve', { amount: 1 }, {}, '/data/approvedAmount', 'invalid_value'],
    ['an int beyond 2^53', 'huge', { amount: 1 }, undefined, '/data/count', 'invalid_value'],
    [
      'a target inside a value that is no object',
      'approve',
      { amount: 1, owner: 'x' },
      { approvedAmount: 1 },
      '/data/owner/id',
      'invalid_value',
    ],
  ])('refuses %s, changing nothing', (_, transition, data, input, pointer, code) => {
    const before = structuredClone(data);
    const result = changeData(definition, transition, bindings(data, input));
    expect(result.ok ? [] : result.errors).toContainEqual({ pointer, code, detail: expect.any(String) });
    expect(data).toEqual(before);
  });

  it('changes nothing for a transition without set', () => {
    const plain = definitionOf({ ...definition, transitions: [{ name: 'go', from: 'open', to: 'done' }] });
    expect(changeData(plain, 'go', bindings({ amount: 1 }))).toEqual({ ok: true, data: { amount: 1 }, changes: [] });
  });
});
