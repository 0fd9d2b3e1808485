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
    { name: 'queue', assignTo: { role: 'approver' } },
    { name: 'done', terminal: true },
  ],
  transitions: [
    { name: 'submit', from: 'draft', to: 'review' },
    { name: 'hand', from: 'review', to: 'owner' },
    { name: 'close', from: ['review', 'owner'], to: 'done' },
    { name: 'enqueue', from: 'owner', to: 'queue' },
    { name: 'settle', from: 'queue', to: 'done', role: 'requester', actor: 'assignee' },
    { name: 'withdraw', from: 'queue', to: 'done', role: 'viewer', actor: 'initiator' },
    { name: 'escalate', from: 'queue', to: 'done', role: 'admin' },
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
    ['a role queue', 'queue', {}, { role: 'approver' }],
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
    ['a role and a person at once', { role: 'approver', initiator: true }, '/states/1/assignTo', 'invalid_assignment'],
    ['a role that does not exist', { role: 'finance' }, '/states/1/assignTo/role', 'unknown_role'],
    ['a role that is no string', { role: ['approver'] }, '/states/1/assignTo/role', 'invalid_type'],
    ['an empty object', {}, '/states/1/assignTo', 'invalid_assignment'],
  ])('refuses %s at publish', (_, assignTo, pointer, code) => {
    const states = document.states.map((state) => (state.name === 'review' ? { ...state, assignTo } : state));
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toContainEqual({ pointer, code, detail: expect.any(String) });
  });

  /** The queue state's ways out: `settle` (requester, assignee), `withdraw` (initiator only), `escalate` (admin). */
  it.each<[string, string, boolean]>([
    ['a role that may settle', 'approver', true],
    ['the lowest role that may settle', 'requester', true],
    ['a role that may only escalate', 'admin', true],
    ['a viewer: only the initiator may withdraw, and that needs no queue', 'viewer', false],
    ['an auditor: implies viewer only', 'auditor', false],
  ])('a queue to %s is %s', (_, role, valid) => {
    const states = document.states.map((state) => (state.name === 'queue' ? { ...state, assignTo: { role } } : state));
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toEqual(
      valid ? [] : [{ pointer: '/states/3/assignTo/role', code: 'invalid_assignment', detail: expect.any(String) }],
    );
  });

  it('does not count an automatic transition as work for the queue', () => {
    const result = validateDefinition({
      key: 'auto-queue',
      title: 'Auto queue',
      states: [
        { name: 'open', initial: true, assignTo: { role: 'approver' } },
        { name: 'done', terminal: true },
      ],
      transitions: [{ name: 'pass', from: 'open', to: 'done', auto: true }],
    });
    expect(result.valid ? [] : result.violations).toEqual([
      { pointer: '/states/0/assignTo/role', code: 'invalid_assignment', detail: expect.any(String) },
    ]);
  });

  it('refuses assignTo on a terminal state', () => {
    const states = document.states.map((state) =>
      state.name === 'done' ? { ...state, assignTo: { initiator: true } } : state,
    );
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toEqual([
      { pointer: '/states/4/assignTo', code: 'invalid_assignment', detail: expect.any(String) },
    ]);
  });

  it('refuses a role queue on a terminal state once, as any assignTo there', () => {
    const states = document.states.map((state) =>
      state.name === 'done' ? { ...state, assignTo: { role: 'approver' } } : state,
    );
    const result = validateDefinition({ ...document, states });
    expect(result.valid ? [] : result.violations).toEqual([
      { pointer: '/states/4/assignTo', code: 'invalid_assignment', detail: expect.any(String) },
    ]);
  });
});
