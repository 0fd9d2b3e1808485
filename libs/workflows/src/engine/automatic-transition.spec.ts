import { validateDefinition } from '../definition/definition-validator';
import { definitionOf } from '../testing/valid-definition';
import { automaticTransition } from './automatic-transition';

const document = {
  key: 'routing',
  title: 'Routing',
  dataSchema: { type: 'object', properties: { amount: { type: 'number' } } },
  states: [
    { name: 'submitted', initial: true },
    { name: 'routing' },
    { name: 'one_approver' },
    { name: 'two_approvers' },
    { name: 'done', terminal: true },
  ],
  transitions: [
    { name: 'submit', from: 'submitted', to: 'routing' },
    { name: 'large', from: 'routing', to: 'two_approvers', auto: true, when: 'data.amount > 1000' },
    { name: 'small', from: 'routing', to: 'one_approver', auto: true },
    { name: 'approve', from: ['one_approver', 'two_approvers'], to: 'done', role: 'approver' },
  ],
};
const definition = definitionOf(document);
const at = (state: string, data: unknown) => ({ state, initiatorId: 'alice', assigneeIds: [], data });

describe('automaticTransition', () => {
  it.each([
    ['the first whose condition holds', 'routing', { amount: 5000 }, 'large'],
    ['the default when no condition holds', 'routing', { amount: 10 }, 'small'],
    ['the default when a condition cannot be evaluated', 'routing', {}, 'small'],
    ['nothing where no transition is automatic', 'submitted', { amount: 5000 }, undefined],
    ['nothing in a terminal state', 'done', {}, undefined],
  ])('takes %s', (_, state, data, expected) => {
    expect(automaticTransition(definition, at(state, data))?.name).toBe(expected);
  });
});

describe('automatic transitions at publish', () => {
  const violations = (transitions: unknown[], states: unknown[] = document.states) => {
    const result = validateDefinition({ ...document, states, transitions });
    return result.valid ? [] : result.violations.map(({ pointer, code }) => [pointer, code]);
  };

  it('accepts routing with a default', () => {
    expect(violations(document.transitions)).toEqual([]);
  });

  it.each([
    ['role', { role: 'approver' }],
    ['actor', { actor: 'initiator' }],
    ['stepUp', { stepUp: true }],
    ['quorum', { quorum: 2 }],
    ['input', { input: {} }],
    ['timer', { timer: 'P1D' }],
    ['separationOfDuties', { separationOfDuties: { notInitiator: true } }],
  ])('refuses a rule about people on an automatic transition: %s', (field, rule) => {
    const transitions = document.transitions.map((t) => (t.name === 'small' ? { ...t, ...rule } : t));
    expect(violations(transitions)).toContainEqual([`/transitions/2/${field}`, 'invalid_automatic']);
  });

  it('refuses a cycle of automatic transitions, at the edge that closes it', () => {
    const transitions = [
      ...document.transitions,
      { name: 'back', from: 'one_approver', to: 'routing', auto: true, when: 'data.amount < 0.0' },
    ];
    expect(violations(transitions)).toEqual([['/transitions/4/to', 'automatic_cycle']]);
  });

  it('refuses an automatic transition back to its own state', () => {
    const transitions = [
      ...document.transitions,
      { name: 'again', from: 'one_approver', to: 'one_approver', auto: true, when: 'data.amount < 0.0' },
    ];
    expect(violations(transitions)).toEqual([['/transitions/4/to', 'automatic_cycle']]);
  });

  it('refuses a state whose automatic transitions may all be false, with no default and no way out for a person', () => {
    const transitions = document.transitions.map((t) =>
      t.name === 'small' ? { ...t, when: 'data.amount <= 1000' } : t,
    );
    expect(violations(transitions)).toEqual([['/states/1', 'no_way_out']]);
  });

  it('accepts such a state when a person can take a transition out of it', () => {
    const transitions = [
      ...document.transitions.map((t) => (t.name === 'small' ? { ...t, when: 'data.amount <= 1000' } : t)),
      { name: 'cancel', from: 'routing', to: 'done', role: 'admin' },
    ];
    expect(violations(transitions)).toEqual([]);
  });
});
