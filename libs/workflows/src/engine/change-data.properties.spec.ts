import fc from 'fast-check';
import { definitionOf } from '../testing/valid-definition';
import { changeData } from './change-data';
import { validateData } from './validate-data';

const definition = definitionOf({
  key: 'sets',
  title: 'Sets',
  dataSchema: {
    type: 'object',
    required: ['amount'],
    properties: {
      amount: { type: 'number', minimum: 0, maximum: 1e6 },
      count: { type: 'integer' },
      note: { type: 'string', maxLength: 10 },
      owner: { type: 'object', properties: { id: { type: 'string' } } },
    },
  },
  states: [
    { name: 'open', initial: true },
    { name: 'done', terminal: true },
  ],
  transitions: [
    {
      name: 'revise',
      from: 'open',
      to: 'done',
      input: {},
      set: {
        '/amount': 'data.amount * input.factor',
        '/count': 'int(input.factor)',
        '/note': 'string(input.factor)',
        '/owner/id': 'actor.id + input.suffix',
      },
    },
  ],
});

const data = fc.record(
  {
    amount: fc.double({ min: 0, max: 1e6, noNaN: true }),
    count: fc.integer(),
    note: fc.string({ maxLength: 10 }),
    owner: fc.record({ id: fc.string() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['amount'] },
);

/** Any JSON the caller could send: the input schema is `{}`, so the expressions' types are dynamic. */
const input = fc.oneof(
  fc.record({ factor: fc.oneof(fc.double(), fc.integer(), fc.string()), suffix: fc.string() }, { requiredKeys: [] }),
  fc.jsonValue(),
);

describe('changeData (properties)', () => {
  it('always yields data the schema accepts, or refuses without touching the data', () => {
    fc.assert(
      fc.property(data, input, (before, sent) => {
        const snapshot = structuredClone(before);
        const verdict = changeData(definition, 'revise', {
          data: before,
          input: sent,
          actor: { id: 'bob', roles: [] },
          instance: { state: 'open', initiatorId: 'alice', createdAt: new Date(0), enteredAt: new Date(0) },
        });
        expect(before).toEqual(snapshot);
        if (verdict.ok) expect(validateData(definition, verdict.data)).toEqual({ valid: true });
        else expect(verdict.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
