import { definitionOf } from '../testing/valid-definition';
import { decideTimer, timersOnEntry } from './timers';

const leave = definitionOf({
  key: 'leave',
  title: 'Leave request',
  states: [
    { name: 'draft', initial: true },
    { name: 'submitted' },
    { name: 'escalated' },
    { name: 'approved', terminal: true },
    { name: 'rejected', terminal: true },
  ],
  transitions: [
    { name: 'submit', from: 'draft', to: 'submitted', role: 'requester', timer: 'P30D' },
    {
      name: 'approve',
      from: ['submitted', 'escalated'],
      to: 'approved',
      role: 'approver',
      stepUp: true,
      quorum: 3,
      separationOfDuties: { notInitiator: true },
      input: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
    },
    { name: 'escalate', from: 'submitted', to: 'escalated', role: 'admin', actor: 'assignee', timer: 'PT12H' },
    { name: 'remind', from: 'submitted', to: 'submitted', timer: 'P1D' },
    { name: 'reject', from: ['submitted', 'escalated'], to: 'rejected', role: 'approver', timer: 'P2W' },
  ],
});

describe('timersOnEntry', () => {
  it.each([
    ['draft', [{ transition: 'submit', duration: 'P30D' }]],
    [
      'submitted',
      [
        { transition: 'escalate', duration: 'PT12H' },
        { transition: 'remind', duration: 'P1D' },
        { transition: 'reject', duration: 'P2W' },
      ],
    ],
    ['escalated', [{ transition: 'reject', duration: 'P2W' }]],
    ['approved', []],
    ['no_such_state', []],
  ])('entering %s arms %j', (state, expected) => {
    expect(timersOnEntry(leave, state)).toEqual(expected);
  });
});

describe('decideTimer', () => {
  it.each([
    // The rules about people do not apply to the system: role, actor, separation of duties, step-up.
    ['submitted', 'escalate', { allowed: true, outcome: 'moved', from: 'submitted', to: 'escalated' }],
    ['submitted', 'remind', { allowed: true, outcome: 'moved', from: 'submitted', to: 'submitted' }],
    ['escalated', 'reject', { allowed: true, outcome: 'moved', from: 'escalated', to: 'rejected' }],
    ['draft', 'submit', { allowed: true, outcome: 'moved', from: 'draft', to: 'submitted' }],
  ])('in %s, %s moves', (state, transition, expected) => {
    expect(decideTimer(leave, state, transition)).toEqual(expected);
  });

  it.each([
    ['submitted', 'approve', 'unknown_transition'],
    ['submitted', 'nope', 'unknown_transition'],
    ['approved', 'reject', 'terminal_state'],
    ['draft', 'escalate', 'not_from_current_state'],
  ])('in %s, %s is refused: %s', (state, transition, reason) => {
    expect(decideTimer(leave, state, transition)).toMatchObject({ allowed: false, reason });
  });
});
