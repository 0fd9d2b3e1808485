import { validateDefinition } from './definition-validator';

const DATA = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'number', minimum: 0 },
    approvedAmount: { type: 'number' },
    note: { type: 'string' },
    owner: { type: 'object', properties: { id: { type: 'string' } } },
    tags: { type: 'array', items: { type: 'string' } },
  },
};
const INPUT = { type: 'object', properties: { approvedAmount: { type: 'number' }, note: { type: 'string' } } };

function documentWith(transition: Record<string, unknown>, readOnly?: string[]): Record<string, unknown> {
  return {
    key: 'sets',
    title: 'Sets',
    dataSchema: DATA,
    ...(readOnly === undefined ? {} : { readOnly }),
    states: [
      { name: 'open', initial: true },
      { name: 'done', terminal: true },
    ],
    transitions: [{ name: 'approve', from: 'open', to: 'done', input: INPUT, ...transition }],
  };
}

describe('set and readOnly at publish', () => {
  it.each([
    ['a field from the input', { set: { '/approvedAmount': 'input.approvedAmount' } }, undefined],
    ['a computed string', { set: { '/note': '"approved by " + actor.id' } }, undefined],
    ['a nested field', { set: { '/owner/id': 'actor.id' } }, undefined],
    ['a list', { set: { '/tags': 'data.tags + ["approved"]' } }, undefined],
    ['an int into a number', { set: { '/approvedAmount': '1' } }, undefined],
    ['a read-only field it says it writes', { set: { '/amount': '0.0' }, writesReadOnly: ['/amount'] }, ['/amount']],
    ['a field beside a read-only one', { set: { '/approvedAmount': 'data.amount' } }, ['/amount']],
  ])('accepts %s', (_, transition, readOnly) => {
    const result = validateDefinition(documentWith(transition, readOnly));
    expect(result.valid ? [] : result.violations).toEqual([]);
  });

  it.each([
    [
      'an undeclared target',
      { set: { '/approved': '1.0' } },
      undefined,
      '/transitions/0/set/~1approved',
      'unknown_field',
    ],
    [
      'a target that is no pointer',
      { set: { amount: '1.0' } },
      undefined,
      '/transitions/0/set/amount',
      'invalid_pointer',
    ],
    [
      'a wrong type',
      { set: { '/note': 'input.approvedAmount' } },
      undefined,
      '/transitions/0/set/~1note',
      'invalid_set',
    ],
    [
      'an undeclared input',
      { set: { '/note': 'input.nope' } },
      undefined,
      '/transitions/0/set/~1note',
      'unknown_field',
    ],
    ['a syntax error', { set: { '/note': '"a" +' } }, undefined, '/transitions/0/set/~1note', 'invalid_condition'],
    [
      'overlapping fields',
      { set: { '/owner': 'data.owner', '/owner/id': '"x"' } },
      undefined,
      '/transitions/0/set/~1owner~1id',
      'invalid_set',
    ],
    ['an empty set', { set: {} }, undefined, '/transitions/0/set', 'too_few_items'],
    ['a read-only field', { set: { '/amount': '0.0' } }, ['/amount'], '/transitions/0/set/~1amount', 'read_only_field'],
    [
      'a field inside a read-only one',
      { set: { '/owner/id': '"x"' } },
      ['/owner'],
      '/transitions/0/set/~1owner~1id',
      'read_only_field',
    ],
    ['an undeclared read-only field', {}, ['/nope'], '/readOnly/0', 'unknown_field'],
    [
      'writesReadOnly of a writable field',
      { set: { '/note': '"x"' }, writesReadOnly: ['/note'] },
      undefined,
      '/transitions/0/writesReadOnly/0',
      'read_only_field',
    ],
    [
      'writesReadOnly without a set of it',
      { set: { '/note': '"x"' }, writesReadOnly: ['/amount'] },
      ['/amount'],
      '/transitions/0/writesReadOnly/0',
      'read_only_field',
    ],
  ])('refuses %s', (_, transition, readOnly, pointer, code) => {
    const result = validateDefinition(documentWith(transition, readOnly));
    expect(result.valid ? [] : result.violations).toContainEqual({ pointer, code, detail: expect.any(String) });
  });

  it('keeps set, writesReadOnly and readOnly in the published definition', () => {
    const result = validateDefinition(
      documentWith({ set: { '/amount': 'input.approvedAmount' }, writesReadOnly: ['/amount'] }, ['/amount']),
    );
    expect(result.valid && result.definition.readOnly).toEqual(['/amount']);
    expect(result.valid && result.definition.transitions[0]).toMatchObject({
      set: { '/amount': 'input.approvedAmount' },
      writesReadOnly: ['/amount'],
    });
  });
});
