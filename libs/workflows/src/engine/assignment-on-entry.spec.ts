import { validateDefinition } from '../definition/definition-validator';
import { definitionOf } from '../testing/valid-definition';
import { assignmentOnEntry } from './assignment-on-entry';

const document = {
  key: 'assigning',
  title: 'Assigning',
  dataSchema: {
    type: 'object',
    properties: { managerId: { type: 'string' }, owner: { type: 'object', properties: { id: { type: 'string' } } } },
  },
  states: [
    { name: 'draft', initial: true, assignTo: { initiator: true } },
    { name: 'review', assignTo: { data: '/managerId' } },
    { name: 'owner', assignTo: { data: '/owner/id' } },
    { name: 'done', terminal: true },
  ],
  transitions: [
    { name: 'submit', from: 'draft', to: 'review' },
    { name: 'hand', from: 'review', to: 'owner' },
    { name: 'close', from: ['review', 'owner'], to: 'done' },
  ],
};
const definition = definitionOf(document);
const ID = '0b9c7c1e-8f5e-4c43-9d6a-2f3c1e0a9b7d';

describe('assignmentOnEntry', () => {
  it.each([
    ['the initiator', 'draft', {}, { userId: 'alice' }],
    ['the user a data field names', 'review', { managerId: ID.toUpperCase() }, { userId: ID }],
    ['a nested field', 'owner', { owner: { id: ID } }, { userId: ID }],
    ['nobody for an absent field', 'review', {}, { nobody: 'data /managerId holds no user id' }],
    [
      'nobody for a field that is no id',
      'review',
      { managerId: 'bob' },
      { nobody: 'data /managerId holds no user id' },
    ],
    ['nobody for a parent that is no object', 'owner', { owner: 'x' }, { nobody: 'data /owner/id holds no user id' }],
    ['nothing for a state without assignTo', 'done', {}, undefined],
  ])('assigns %s', (_, state, data, expected) => {
    expect(assignmentOnEntry(definition, state, { initiatorId: 'alice', data })).toEqual(expected);
  });

  it.each([
    ['two kinds at once', { initiator: true, data: '/managerId' }, '/states/1/assignTo', 'invalid_assignment'],
    ['initiator false', { initiator: false }, '/states/1/assignTo/initiator', 'invalid_assignment'],
    ['a field that is no pointer', { data: 'managerId' }, '/states/1/assignTo/data', 'invalid_pointer'],
    ['an undeclared field', { data: '/bossId' }, '/states/1/assignTo/data', 'unknown_field'],
    ['a field that is no string', { data: '/owner' }, '/states/1/assignTo/data', 'invalid_assignment'],
  ])('refuses %s at publish', (_, assignTo, pointer, code) => {
    const states = document.states.map((state) => (state.name === 'review' ? { ...state, assignTo } : state));
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toContainEqual({ pointer, code, detail: expect.any(String) });
  });

  it('refuses assignTo on a terminal state', () => {
    const states = document.states.map((state) =>
      state.name === 'done' ? { ...state, assignTo: { initiator: true } } : state,
    );
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toEqual([
      { pointer: '/states/3/assignTo', code: 'invalid_assignment', detail: expect.any(String) },
    ]);
  });
});
