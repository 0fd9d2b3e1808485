import { compiledSchemasOf } from './compiled-schemas';
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

describe('the shapes of set, readOnly and assignTo, with their exact verdicts', () => {
  /** `documentWith`, its open state assigned as given (the data schema declares a number too). */
  function assigning(assignTo: unknown, state = 'open'): Record<string, unknown> {
    const document = documentWith({});
    const states = document.states as Record<string, unknown>[];
    return { ...document, states: states.map((entry) => (entry.name === state ? { ...entry, assignTo } : entry)) };
  }

  function violationsOf(document: Record<string, unknown>): [string, string][] {
    const result = validateDefinition(document);
    return result.valid ? [] : result.violations.map(({ pointer, code }) => [pointer, code]);
  }

  it.each<[string, Record<string, unknown>, [string, string][]]>([
    ['a set that is a list', documentWith({ set: ['/note'] }), [['/transitions/0/set', 'invalid_type']]],
    ['a set value that is not text', documentWith({ set: { '/note': 1 } }), [['/transitions/0/set/~1note', 'invalid_type']]], // prettier-ignore
    ['a readOnly that is a string', documentWith({}, '/amount' as unknown as string[]), [['/readOnly', 'invalid_type']]], // prettier-ignore
    ['a readOnly entry that is a number', documentWith({}, [1] as unknown as string[]), [['/readOnly/0', 'invalid_type']]], // prettier-ignore
    ['a readOnly field listed twice', documentWith({}, ['/amount', '/amount']), [['/readOnly/1', 'duplicate_reference']]], // prettier-ignore
    ['a readOnly field below a number', documentWith({}, ['/amount/cents']), [['/readOnly/0', 'unknown_field']]],
    ['assignTo as a list', assigning(['initiator']), [['/states/0/assignTo', 'invalid_assignment']]],
    ['assignTo of two forms', assigning({ initiator: true, role: 'approver' }), [['/states/0/assignTo', 'invalid_assignment']]], // prettier-ignore
    ['assignTo of an unknown form', assigning({ manager: true }), [['/states/0/assignTo', 'invalid_assignment']]],
    ['assignTo initiator false', assigning({ initiator: false }), [['/states/0/assignTo/initiator', 'invalid_assignment']]], // prettier-ignore
    ['assignTo a role that does not exist', assigning({ role: 'boss' }), [['/states/0/assignTo/role', 'unknown_role']]], // prettier-ignore
    ['assignTo data at no pointer', assigning({ data: 'owner' }), [['/states/0/assignTo/data', 'invalid_pointer']]],
    ['assignTo data at an undeclared field', assigning({ data: '/manager' }), [['/states/0/assignTo/data', 'unknown_field']]], // prettier-ignore
    ['assignTo data at a number', assigning({ data: '/amount' }), [['/states/0/assignTo/data', 'invalid_assignment']]], // prettier-ignore
    ['assignTo on a terminal state', assigning({ initiator: true }, 'done'), [['/states/1/assignTo', 'invalid_assignment']]], // prettier-ignore
    ['assignTo data at a string', assigning({ data: '/owner/id' }), []],
    ['assignTo the initiator', assigning({ initiator: true }), []],
  ])('%s → %j', (_, document, expected) => {
    expect(violationsOf(document)).toEqual(expected);
  });

  it('compiles the assignments of a transition in pointer order, whatever their order in the document', () => {
    const result = validateDefinition(
      documentWith({ set: { '/tags': '["a"]', '/approvedAmount': '1.0', '/owner/id': 'actor.id', '/note': '"n"' } }),
    );
    if (!result.valid) throw new Error(JSON.stringify(result.violations));
    // The document's order is kept as written; history applies them in pointer order.
    expect(Object.keys(result.definition.transitions[0].set ?? {})).toEqual(['/tags', '/approvedAmount', '/owner/id', '/note']); // prettier-ignore
    expect(
      compiledSchemasOf(result.definition)
        .sets.get('approve')
        ?.map((set) => set.target),
    ).toEqual(['/approvedAmount', '/note', '/owner/id', '/tags']);
  });
});
